/*
 * mhd-fixed.c - the baseline of bench-http.sh: libmicrohttpd configured
 * as `cordon serve` is (internal polling thread pool of 4, epoll), answering
 * every request with the same body, read once from a file.
 *
 *   mhd-fixed PORT FILE
 *
 * PORT 0 lets the system pick one. Once listening, it prints the port it
 * listens on and a newline on stdout, which it then closes; it runs until
 * SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static char *body;
static size_t body_len;

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result res;

	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size;
	if (*con_cls == NULL) {
		*con_cls = conn;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	res = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return res;
}

int
main(int argc, char **argv)
{
	const union MHD_DaemonInfo *di;
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	struct MHD_Daemon *d;
	sigset_t sigs;
	FILE *f;
	long n;
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: mhd-fixed PORT FILE\n");
		return 2;
	}
	if ((f = fopen(argv[2], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (body = malloc((size_t)n + 1)) == NULL ||
	    fread(body, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[2]);
		return 1;
	}
	fclose(f);
	body_len = (size_t)n;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    (uint16_t)atoi(argv[1]), NULL, NULL, handle, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, 4, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mhd-fixed: cannot listen on port %s\n", argv[1]);
		return 1;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	if (!di || getsockname(di->listen_fd, (struct sockaddr *)&sa, &salen) != 0) {
		perror("mhd-fixed: getsockname");
		return 1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fclose(stdout);
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	free(body);
	return 0;
}
