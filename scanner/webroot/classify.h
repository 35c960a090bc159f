/*
 * Is this file PHP that a web server could run? The rule (documented in
 * README "### scan"):
 *
 *   1. the name has a PHP extension: .php .php3-.php8 .phtml .pht .phar
 *      .inc .module, or ".php." / ".phtml." inside the name (Apache's
 *      AddHandler runs "shell.php.jpg" as PHP);
 *   2. otherwise the content read (up to max_file_size) contains "<?php"
 *      (any case) or "<?=" anywhere (in binary files -- a NUL in the first
 *      512 bytes -- "<?=" must be followed by a blank or '$', since random
 *      image bytes hold "<?=" every 16 MB), or, in text files, <script
 *      language="php"> in any case (that form only runs on PHP 5, so binary
 *      files are not searched for it).
 *
 * Everything else is not content-matched, only counted. libmagic is not
 * called here: the scanner asks it only about content-detected candidates
 * that match a rule or that mw_media_hint() says may be media (to say
 * "image/gif with PHP code inside").
 */
#ifndef MW_CLASSIFY_H
#define MW_CLASSIFY_H

#include <stddef.h>

enum mw_php_class {
	MW_PHP_NO = 0,
	MW_PHP_EXTENSION,	/* by file name */
	MW_PHP_TAG,		/* "<?php" / "<?=" in the content */
	MW_PHP_SCRIPT_TAG,	/* <script language="php"> */
};

/* 1 when the file name alone makes it PHP (rule 1). */
int mw_php_name(const char *name);

/*
 * Offset of the first PHP open tag in buf[0..len), or -1. *kind receives
 * MW_PHP_TAG or MW_PHP_SCRIPT_TAG; *full (if given) is 1 when it was
 * "<?php" (not the ambiguous short "<?=").
 */
long mw_php_tag(const char *buf, size_t len, enum mw_php_class *kind, int *full);
/* Same; script == 0 means binary content: the <script language="php">
 * form is not looked for (PHP 7 dropped it anyway) and "<?=" needs a blank
 * or '$' after it. */
long mw_php_tag_ex(const char *buf, size_t len, int script,
		   enum mw_php_class *kind, int *full);
/* 1 when the first bytes hold a NUL: images, archives, backups. */
int mw_looks_binary(const char *buf, size_t len);

/*
 * 1 when libmagic could call buf an image, audio, video, PDF or archive
 * (what "PHP inside an image" needs): a NUL in the first bytes, a known
 * signature at the start (GIF8, PNG, JPEG, BMP, TIFF, ICO, RIFF, PDF, ZIP,
 * gzip, ID3/MPEG audio, Ogg, FLAC, Matroska, ISO media "ftyp", PSD, ...),
 * or SVG markup near the start. Plain text (scripts, Markdown, JavaScript)
 * gives 0: libmagic costs 0.5-2 ms a call on text and would only say
 * text/something.
 */
int mw_media_hint(const char *buf, size_t len);

/* Rule 1 then rule 2. */
enum mw_php_class mw_php_classify(const char *name, const char *buf, size_t len);

const char *mw_php_class_name(enum mw_php_class c);

#endif
