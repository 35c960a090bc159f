#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/safefile.h"
#include "scanner/webroot/walk.h"

struct dnode {
	int fd;
	int refs;		/* atomic */
	dev_t dev;
	uint64_t mnt_id;	/* statx mount id, 0 when unknown */
	size_t pathlen;
	char path[];		/* NUL-terminated */
};

enum item_kind { IT_DIR, IT_ENUM, IT_FILES };

struct item {
	struct item *next;
	enum item_kind kind;
	struct dnode *node;	/* DIR: parent; ENUM: the dir; FILES: their dir */
	unsigned nnames;
	char *names;		/* DIR: one name; FILES: nnames NUL-separated */
};

struct walker {
	const struct mw_walk_opts *o;
	const struct mw_walk_ops *ops;
	void *ud;
	dev_t root_dev;		/* of the root being walked */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item *head;
	unsigned queued_batches;
	unsigned active;
	int failed;		/* allocation failure: stop */
	struct mw_walk_stats st;	/* updated with atomics */
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define INC(w, field) __atomic_add_fetch(&(w)->st.field, 1, __ATOMIC_RELAXED)

static void node_ref(struct dnode *n)
{
	__atomic_add_fetch(&n->refs, 1, __ATOMIC_RELAXED);
}

static void node_unref(struct dnode *n)
{
	if (__atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		close(n->fd);
		free(n);
	}
}

static struct dnode *node_new(int fd, const char *parent, size_t plen,
			      const char *name, dev_t dev)
{
	size_t nlen = name ? strlen(name) : 0;
	size_t len = plen + (name ? 1 + nlen : 0);
	struct dnode *n;

	if (len >= MW_WALK_MAX_PATH)
		return NULL;
	n = malloc(sizeof(*n) + len + 1);
	if (!n)
		return NULL;
	memcpy(n->path, parent, plen);
	if (name) {
		/* "/" as parent must not become "//x" */
		if (plen == 1 && parent[0] == '/') {
			memcpy(n->path + 1, name, nlen);
			len = 1 + nlen;
		} else {
			n->path[plen] = '/';
			memcpy(n->path + plen + 1, name, nlen);
		}
	}
	n->path[len] = '\0';
	n->pathlen = len;
	n->fd = fd;
	n->refs = 1;
	n->dev = dev;
	n->mnt_id = 0;
	return n;
}

/* The mount a directory fd is on (0 when the kernel cannot say): a bind
 * mount of the same filesystem has the same st_dev but its own mount id. */
static uint64_t mount_id(int fd)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return 0;
	return sx.stx_mnt_id;
}

int mw_walk_is_excluded(const struct mw_strlist *exclude, const char *path)
{
	size_t i, l;

	if (!exclude)
		return 0;
	for (i = 0; i < exclude->n; i++) {
		const char *e = exclude->v[i];

		if (strpbrk(e, "*?[")) {
			if (fnmatch(e, path, 0) == 0)
				return 1;
			continue;
		}
		l = strlen(e);
		while (l > 1 && e[l - 1] == '/')
			l--;
		if (strncmp(path, e, l) == 0 && (path[l] == '\0' || path[l] == '/'))
			return 1;
	}
	return 0;
}

/* Push at the front: depth first keeps few directories pending. */
static void push(struct walker *w, struct item *it)
{
	pthread_mutex_lock(&w->lock);
	it->next = w->head;
	w->head = it;
	if (it->kind == IT_FILES)
		w->queued_batches++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int queue_has_room(struct walker *w)
{
	unsigned q = __atomic_load_n(&w->queued_batches, __ATOMIC_RELAXED);

	return q < MW_WALK_QUEUE_BATCHES;
}

static void fail_nomem(struct walker *w)
{
	__atomic_store_n(&w->failed, 1, __ATOMIC_RELAXED);
}

static void event(struct walker *w, enum mw_walk_event ev, const char *path,
		  int err, const char *detail)
{
	if (w->ops->event)
		w->ops->event(w->ud, ev, path, err, detail);
}

/* Run file() for each entry of a batch (see batch_add); path built in a
 * thread buffer. */
static void process_files(struct walker *w, void *ts, struct dnode *dir,
			  const char *names, unsigned n, char *pbuf)
{
	struct mw_walk_file f;
	const char *name = names + sizeof(uint64_t);
	uint64_t ino;
	size_t nl;
	unsigned i;

	for (i = 0; i < n; i++, name += nl + 1 + sizeof(uint64_t)) {
		memcpy(&ino, name - sizeof(uint64_t), sizeof(ino));
		nl = strlen(name);
		if (dir->pathlen + 1 + nl >= MW_WALK_MAX_PATH) {
			INC(w, errors);
			event(w, MW_WALK_ERROR, dir->path, ENAMETOOLONG, name);
			continue;
		}
		memcpy(pbuf, dir->path, dir->pathlen);
		if (dir->pathlen == 1 && dir->path[0] == '/') {
			memcpy(pbuf + 1, name, nl + 1);
		} else {
			pbuf[dir->pathlen] = '/';
			memcpy(pbuf + dir->pathlen + 1, name, nl + 1);
		}
		if (w->o->exclude && mw_walk_is_excluded(w->o->exclude, pbuf)) {
			INC(w, excluded);
			event(w, MW_WALK_EXCLUDED, pbuf, 0, NULL);
			continue;
		}
		INC(w, files);
		f.dirfd = dir->fd;
		f.name = name;
		f.path = pbuf;
		f.dir_dev = dir->dev;
		f.ino = ino;
		w->ops->file(w->ud, ts, &f);
	}
}

struct batch {
	char *buf;
	size_t len, alloc;
	unsigned n;
};

/* A batch entry: the directory entry's inode number (8 bytes, unaligned),
 * then the name and its NUL. */
static int batch_add(struct batch *b, uint64_t ino, const char *name)
{
	size_t l = sizeof(ino) + strlen(name) + 1;

	if (b->len + l > b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 2048;
		char *nb;

		while (na < b->len + l)
			na *= 2;
		nb = realloc(b->buf, na);
		if (!nb)
			return -1;
		b->buf = nb;
		b->alloc = na;
	}
	memcpy(b->buf + b->len, &ino, sizeof(ino));
	memcpy(b->buf + b->len + sizeof(ino), name, l - sizeof(ino));
	b->len += l;
	b->n++;
	return 0;
}

/* Hand a full batch to the queue, or process it here when the queue is
 * full. */
static void flush_batch(struct walker *w, void *ts, struct dnode *dir,
			struct batch *b, char *pbuf, int may_queue)
{
	struct item *it;

	if (b->n == 0)
		return;
	if (may_queue && queue_has_room(w)) {
		it = calloc(1, sizeof(*it));
		if (it) {
			it->kind = IT_FILES;
			it->node = dir;
			it->nnames = b->n;
			it->names = b->buf;
			node_ref(dir);
			push(w, it);
			b->buf = NULL;
			b->len = b->alloc = 0;
			b->n = 0;
			return;
		}
	}
	process_files(w, ts, dir, b->buf, b->n, pbuf);
	b->len = 0;
	b->n = 0;
}

static void push_dir(struct walker *w, struct dnode *parent, const char *name)
{
	struct item *it = calloc(1, sizeof(*it));

	if (!it || !(it->names = strdup(name))) {
		free(it);
		fail_nomem(w);
		return;
	}
	it->kind = IT_DIR;
	it->node = parent;
	node_ref(parent);
	push(w, it);
}

static void child_path(const struct dnode *dir, const char *name, char *pbuf)
{
	size_t nl = strlen(name);

	if (dir->pathlen + 1 + nl >= MW_WALK_MAX_PATH) {
		memcpy(pbuf, dir->path, dir->pathlen + 1);
		return;
	}
	memcpy(pbuf, dir->path, dir->pathlen);
	if (dir->pathlen == 1 && dir->path[0] == '/') {
		memcpy(pbuf + 1, name, nl + 1);
	} else {
		pbuf[dir->pathlen] = '/';
		memcpy(pbuf + dir->pathlen + 1, name, nl + 1);
	}
}

static void report_symlink(struct walker *w, struct dnode *dir,
			   const char *name, char *pbuf)
{
	char target[PATH_MAX];
	ssize_t n;

	INC(w, symlinks);
	n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	child_path(dir, name, pbuf);
	event(w, MW_WALK_SYMLINK, pbuf, 0, target);
}

/* Read a directory: subdirectories are pushed, files batched. */
static void enumerate(struct walker *w, void *ts, struct dnode *dir,
		      char *dents, char *pbuf)
{
	struct batch b = { 0 };
	struct linux_dirent64 *de;
	long n, pos;
	unsigned char type;

	INC(w, dirs);
	for (;;) {
		n = syscall(SYS_getdents64, dir->fd, dents, MW_WALK_DENTS_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOENT) {
			/* the directory was removed while being read */
			INC(w, vanished);
			event(w, MW_WALK_VANISHED, dir->path, errno, NULL);
			break;
		}
		if (n < 0) {
			INC(w, errors);
			event(w, MW_WALK_ERROR, dir->path, errno, "reading directory");
			break;
		}
		if (n == 0)
			break;
		for (pos = 0; pos < n; pos += de->d_reclen) {
			de = (struct linux_dirent64 *)(dents + pos);
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
				continue;
			type = de->d_type;
			if (type == DT_UNKNOWN) {
				struct stat st;

				if (fstatat(dir->fd, de->d_name, &st,
					    AT_SYMLINK_NOFOLLOW) < 0) {
					int gone = errno == ENOENT;

					child_path(dir, de->d_name, pbuf);
					if (gone)
						INC(w, vanished);
					else
						INC(w, errors);
					event(w, gone ? MW_WALK_VANISHED : MW_WALK_ERROR, pbuf,
					      errno, "stat");
					continue;
				}
				type = S_ISDIR(st.st_mode) ? DT_DIR :
				       S_ISREG(st.st_mode) ? DT_REG :
				       S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
			}
			switch (type) {
			case DT_DIR:
				push_dir(w, dir, de->d_name);
				break;
			case DT_REG:
				if (batch_add(&b, de->d_ino, de->d_name) < 0) {
					fail_nomem(w);
					break;
				}
				if (b.n >= MW_WALK_BATCH)
					flush_batch(w, ts, dir, &b, pbuf, 1);
				break;
			case DT_LNK:
				report_symlink(w, dir, de->d_name, pbuf);
				break;
			default:
				INC(w, special);
				child_path(dir, de->d_name, pbuf);
				event(w, MW_WALK_SPECIAL, pbuf, 0, NULL);
				break;
			}
		}
	}
	/* The tail is processed here: it is this worker's fair share. */
	flush_batch(w, ts, dir, &b, pbuf, 0);
	free(b.buf);
}

static void open_and_enumerate(struct walker *w, void *ts, struct dnode *parent,
			       const char *name, char *dents, char *pbuf)
{
	struct dnode *dir;
	struct stat st;
	uint64_t mnt;
	enum mw_err e;
	int fd;

	child_path(parent, name, pbuf);
	if (parent->pathlen + 1 + strlen(name) >= MW_WALK_MAX_PATH) {
		INC(w, errors);
		event(w, MW_WALK_ERROR, parent->path, ENAMETOOLONG, name);
		return;
	}
	if (w->o->exclude && mw_walk_is_excluded(w->o->exclude, pbuf)) {
		INC(w, excluded);
		event(w, MW_WALK_EXCLUDED, pbuf, 0, NULL);
		return;
	}
	e = mw_open_dir_at(parent->fd, name, &fd);
	if (e == MW_ERR_SYMLINK) {
		/* replaced by a symlink since getdents: still not followed */
		report_symlink(w, parent, name, pbuf);
		return;
	}
	if (e && errno == ENOENT) {
		INC(w, vanished);
		event(w, MW_WALK_VANISHED, pbuf, ENOENT, NULL);
		return;
	}
	if (e) {
		INC(w, errors);
		event(w, MW_WALK_ERROR, pbuf, errno, "opening directory");
		return;
	}
	if (fstat(fd, &st) < 0) {
		INC(w, errors);
		event(w, MW_WALK_ERROR, pbuf, errno, "stat");
		close(fd);
		return;
	}
	if (st.st_dev != parent->dev && !w->o->cross_filesystems) {
		INC(w, other_fs);
		event(w, MW_WALK_OTHER_FS, pbuf, 0, NULL);
		close(fd);
		return;
	}
	mnt = mount_id(fd);
	if (mnt && parent->mnt_id && mnt != parent->mnt_id && !w->o->cross_filesystems) {
		/* same filesystem mounted again here: entered as silently as a
		 * plain directory before, so a tree could appear twice or a
		 * bind-mounted outside tree pass for part of the site */
		INC(w, other_fs);
		event(w, MW_WALK_OTHER_FS, pbuf, 0, "bind mount");
		close(fd);
		return;
	}
	dir = node_new(fd, parent->path, parent->pathlen, name, st.st_dev);
	if (!dir) {
		close(fd);
		fail_nomem(w);
		return;
	}
	dir->mnt_id = mnt;
	enumerate(w, ts, dir, dents, pbuf);
	node_unref(dir);
}

static void *worker(void *arg)
{
	struct walker *w = arg;
	void *ts = w->ops->thread_init ? w->ops->thread_init(w->ud) : NULL;
	char *dents = malloc(MW_WALK_DENTS_BUF);
	char *pbuf = malloc(MW_WALK_MAX_PATH);
	struct item *it;

	if (!dents || !pbuf)
		fail_nomem(w);
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && w->active > 0)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->head) {
			pthread_cond_broadcast(&w->cond);
			pthread_mutex_unlock(&w->lock);
			break;
		}
		it = w->head;
		w->head = it->next;
		if (it->kind == IT_FILES)
			w->queued_batches--;
		w->active++;
		pthread_mutex_unlock(&w->lock);

		if (dents && pbuf && !__atomic_load_n(&w->failed, __ATOMIC_RELAXED)) {
			switch (it->kind) {
			case IT_DIR:
				open_and_enumerate(w, ts, it->node, it->names, dents, pbuf);
				break;
			case IT_ENUM:
				enumerate(w, ts, it->node, dents, pbuf);
				break;
			case IT_FILES:
				process_files(w, ts, it->node, it->names, it->nnames, pbuf);
				break;
			}
		}
		node_unref(it->node);
		free(it->names);
		free(it);

		pthread_mutex_lock(&w->lock);
		w->active--;
		if (!w->head && w->active == 0)
			pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
	if (w->ops->thread_fini)
		w->ops->thread_fini(w->ud, ts);
	free(dents);
	free(pbuf);
	return NULL;
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/* Split a root into its directory and last component (for file roots). */
static int open_parent(const char *path, char *name, size_t namelen, int *fd)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
		snprintf(name, namelen, "%s", path);
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 :
			 slash - path), path);
		snprintf(name, namelen, "%s", slash + 1);
	}
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? -1 : 0;
}

static enum mw_err walk_one(struct walker *w, const char *root)
{
	char clean[MW_WALK_MAX_PATH];
	struct dnode *node;
	struct stat st;
	struct item *it;
	size_t len;
	int fd;

	len = strlen(root);
	if (len >= sizeof(clean)) {
		INC(w, errors);
		event(w, MW_WALK_ERROR, root, ENAMETOOLONG, NULL);
		return MW_OK;
	}
	memcpy(clean, root, len + 1);
	while (len > 1 && clean[len - 1] == '/')
		clean[--len] = '\0';
	if (lstat(clean, &st) < 0) {
		INC(w, errors);
		event(w, MW_WALK_ERROR, clean, errno, "root");
		return MW_OK;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(clean, target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
		INC(w, symlinks);
		event(w, MW_WALK_SYMLINK, clean, 0, target);
		return MW_OK;
	}
	if (mw_walk_is_excluded(w->o->exclude, clean)) {
		INC(w, excluded);
		event(w, MW_WALK_EXCLUDED, clean, 0, NULL);
		return MW_OK;
	}
	w->root_dev = st.st_dev;
	if (S_ISREG(st.st_mode)) {
		char name[NAME_MAX + 1];

		if (open_parent(clean, name, sizeof(name), &fd) < 0) {
			INC(w, errors);
			event(w, MW_WALK_ERROR, clean, errno, "root");
			return MW_OK;
		}
		node = node_new(fd, clean, len, NULL, st.st_dev);
		it = node ? calloc(1, sizeof(*it)) : NULL;
		if (it) {
			/* a batch of one entry (batch_add's layout) */
			struct batch one = { 0 };

			if (batch_add(&one, (uint64_t)st.st_ino, name) == 0)
				it->names = one.buf;
		}
		if (!it || !it->names) {
			if (it)
				free(it);
			if (node)
				node_unref(node);
			else
				close(fd);
			return MW_ERR_NOMEM;
		}
		/* the file's path is the root itself: dir path + name would
		 * repeat it, so the node carries the parent's path */
		{
			const char *slash = strrchr(clean, '/');

			node->pathlen = slash ? (size_t)(slash == clean ? 1 :
							 slash - clean) : 1;
			if (!slash)
				node->path[0] = '.';
			node->path[node->pathlen] = '\0';
		}
		it->kind = IT_FILES;
		it->nnames = 1;
		it->node = node;
		w->queued_batches++;
	} else if (S_ISDIR(st.st_mode)) {
		fd = open(clean, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			INC(w, errors);
			event(w, MW_WALK_ERROR, clean, errno, "root");
			return MW_OK;
		}
		node = node_new(fd, clean, len, NULL, st.st_dev);
		if (node)
			node->mnt_id = mount_id(fd);
		it = node ? calloc(1, sizeof(*it)) : NULL;
		if (!it) {
			if (node)
				node_unref(node);
			else
				close(fd);
			return MW_ERR_NOMEM;
		}
		it->kind = IT_ENUM;
		it->node = node;
	} else {
		INC(w, special);
		event(w, MW_WALK_SPECIAL, clean, 0, NULL);
		return MW_OK;
	}
	it->next = w->head;	/* file roots queue up, see mw_walk */
	w->head = it;
	return MW_OK;
}

enum mw_err mw_walk(const char *const *roots, size_t nroots,
		    const struct mw_walk_opts *o, const struct mw_walk_ops *ops,
		    void *ud, struct mw_walk_stats *stats)
{
	pthread_t tids[MW_WALK_MAX_THREADS];
	sigset_t all, old;
	struct walker w;
	unsigned nt, i, started;
	enum mw_err e = MW_OK;
	size_t r;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.ops = ops;
	w.ud = ud;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	nt = o->threads ? o->threads : default_threads();
	if (nt > MW_WALK_MAX_THREADS)
		nt = MW_WALK_MAX_THREADS;
	/* Roots one after the other: st_dev of each root bounds its walk. */
	for (r = 0; r < nroots && !e; r++) {
		e = walk_one(&w, roots[r]);
		if (e || !w.head)
			continue;
		/* File roots (a --files-from list) do not descend: up to
		 * MW_WALK_QUEUE_BATCHES of them share one start of the workers
		 * (one start per file cost 0.4 ms); each holds its directory's
		 * fd until then. */
		if (w.head->kind == IT_FILES && r + 1 < nroots &&
		    w.queued_batches < MW_WALK_QUEUE_BATCHES)
			continue;
		/* Workers block the asynchronous signals (the main thread
		 * takes them), so no read of theirs is ever cut short. */
		sigfillset(&all);
		sigdelset(&all, SIGSEGV);
		sigdelset(&all, SIGBUS);
		sigdelset(&all, SIGFPE);
		sigdelset(&all, SIGILL);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		for (i = 0, started = 0; i < nt; i++)
			if (pthread_create(&tids[i], NULL, worker, &w) == 0)
				started++;
			else
				break;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (started == 0) {
			/* no thread: run the walk on this one */
			worker(&w);
		}
		for (i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
		if (w.failed)
			e = MW_ERR_NOMEM;
	}
	/* A failed walk may leave items behind. */
	while (w.head) {
		struct item *it = w.head;

		w.head = it->next;
		node_unref(it->node);
		free(it->names);
		free(it);
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	if (stats)
		*stats = w.st;
	return e;
}
