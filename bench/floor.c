/*
 * The floor: the least any scanner must do. Two threads take directories
 * from a shared stack, read them with getdents64, push subdirectories and
 * openat+read every regular file to the end. Nothing else (no stat, no
 * matching). Symlinks are not followed. Prints files, bytes, seconds.
 *
 *   cc -O2 -pthread -o floor bench/floor.c && ./floor DIR [THREADS]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static char **stack;
static size_t nstack, astack;
static unsigned busy;
static unsigned long long files, bytes;

static void push(char *p)
{
	if (nstack == astack) {
		astack = astack ? astack * 2 : 1024;
		stack = realloc(stack, astack * sizeof(*stack));
		if (!stack)
			abort();
	}
	stack[nstack++] = p;
}

static void *worker(void *arg)
{
	char *dents = malloc(1 << 16), *buf = malloc(1 << 20), *dir, *sub;
	unsigned long long f = 0, b = 0;
	long n, pos;
	ssize_t r;
	int dfd, fd;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (nstack == 0 && busy > 0)
			pthread_cond_wait(&cond, &lock);
		if (nstack == 0) {
			pthread_cond_broadcast(&cond);
			pthread_mutex_unlock(&lock);
			break;
		}
		dir = stack[--nstack];
		busy++;
		pthread_mutex_unlock(&lock);
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (dfd >= 0 && (n = syscall(SYS_getdents64, dfd, dents, 1 << 16)) > 0) {
			for (pos = 0; pos < n; pos += ((struct dent64 *)(dents + pos))->reclen) {
				struct dent64 *d = (struct dent64 *)(dents + pos);

				if (d->name[0] == '.' && (!d->name[1] ||
				    (d->name[1] == '.' && !d->name[2])))
					continue;
				if (d->type == DT_DIR) {
					if (asprintf(&sub, "%s/%s", dir, d->name) < 0)
						abort();
					pthread_mutex_lock(&lock);
					push(sub);
					pthread_cond_signal(&cond);
					pthread_mutex_unlock(&lock);
				} else if (d->type == DT_REG) {
					fd = openat(dfd, d->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
					if (fd < 0)
						continue;
					while ((r = read(fd, buf, 1 << 20)) > 0)
						b += (unsigned long long)r;
					close(fd);
					f++;
				}
			}
		}
		if (dfd >= 0)
			close(dfd);
		free(dir);
		pthread_mutex_lock(&lock);
		busy--;
		if (nstack == 0 && busy == 0)
			pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	files += f;
	bytes += b;
	pthread_mutex_unlock(&lock);
	free(dents);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t t[64];
	int i, nt = argc > 2 ? atoi(argv[2]) : 2;

	if (argc < 2 || nt < 1 || nt > 64) {
		fprintf(stderr, "usage: floor DIR [THREADS]\n");
		return 2;
	}
	push(strdup(argv[1]));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nt; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("files %llu bytes %llu seconds %.3f\n", files, bytes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
