<?php
// Clean: a form model that copies posted fields into properties and
// validates them in its methods; nothing it holds is run as code.
class Signup_Form {
	public $email;
	public $name;

	public function valid() {
		return filter_var($this->email, FILTER_VALIDATE_EMAIL) !== false &&
			strlen(trim($this->name)) > 1;
	}
}
$form = new Signup_Form();
$form->email = $_POST['email'];
$form->name = $_POST['name'];
echo $form->valid() ? 'ok' : 'invalid';
