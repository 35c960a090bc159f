<?php
// Clean: a process component in the style of Symfony Process: proc_open with
// an array command and descriptors built by the library.
class ProcessRunner {
	private $commandline; private $cwd; private $env; private $process; private $pipes = array();
	public function __construct(array $command, $cwd = null, array $env = null) {
		$this->commandline = implode(' ', array_map('escapeshellarg', $command));
		$this->cwd = $cwd; $this->env = $env;
	}
	public function start() {
		$descriptors = array(array('pipe', 'r'), array('pipe', 'w'), array('pipe', 'w'));
		$this->process = proc_open($this->commandline, $descriptors, $this->pipes, $this->cwd, $this->env);
		if (!is_resource($this->process)) throw new RuntimeException('Unable to launch a new process.');
	}
	public function wait() {
		$out = stream_get_contents($this->pipes[1]);
		foreach ($this->pipes as $p) fclose($p);
		return array(proc_close($this->process), $out);
	}
}
