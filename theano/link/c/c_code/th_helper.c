/* The helper thread: a second core for the matrix products of a compiled function.
 *
 * OpenBLAS runs a product above a size threshold on threads of its own, and after each
 * such product those threads spin for a long time (about 0.1 s) before they sleep.  A
 * training step calls products of middle size all the time, so one core stays taken by
 * a spinning thread, and nothing of ours can use it: not the sums of a scan's weight
 * gradients, which could run beside the loop (th_scan_products.c).  So the runtime splits
 * its middle-size products itself, into tiles small enough that OpenBLAS computes each on
 * the calling thread, and computes them on the caller and on one helper thread of its
 * own, which sleeps when it has nothing to do.  Large products (where OpenBLAS's own
 * blocking pays) still go to OpenBLAS whole.
 *
 * Work is given to the helper as jobs: a job runs until it finds nothing left to do.  The
 * caller of a split product works on the same job meanwhile (the tiles are shared out
 * through an atomic counter), then joins it: a job the helper has not taken yet is taken
 * back from the queue (the helper may be busy elsewhere), one it has taken is waited for.
 * The helper never touches Python objects.  One helper per process, started on first
 * use, and again in a child after fork.
 */
#include <pthread.h>
#include <sched.h>

typedef struct th_job_s th_job;
struct th_job_s {
    void (*run)(th_job *J, int on_helper);
    int taken, done;            /* under th_help_mu */
    double queued;              /* when it was submitted */
    int woke;                   /* the helper was asleep then */
    int cpu;                    /* the submitter's CPU then */
};

static pthread_mutex_t th_help_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t th_help_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t th_help_idle = PTHREAD_COND_INITIALIZER;
static th_job **th_help_q = NULL;
static Py_ssize_t th_help_cap = 0, th_help_head = 0, th_help_len = 0;
static int th_help_started = 0, th_help_failed = 0, th_help_asleep = 0;
static Py_ssize_t th_help_jobs = 0;   /* jobs the helper ran (scan_stats) */
int th_help_enabled = 1;              /* set_helper(False) turns it off */

static void th_help_after_fork(void)
{
    /* The child has no helper thread: a new one starts on first use. */
    pthread_mutex_init(&th_help_mu, NULL);
    pthread_cond_init(&th_help_work, NULL);
    pthread_cond_init(&th_help_idle, NULL);
    th_help_head = th_help_len = 0;
    th_help_started = 0;
}

/* After a job the helper watches the queue for this long before it sleeps: waking a
 * sleeping thread takes tens of microseconds (more on a virtual machine's idle core),
 * as long as a loop's next job may come. */
#define TH_HELP_SPIN 500e-6

/* Seconds on the monotonic clock (the whole runtime's clock). */
static double th_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void th_help_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A job the helper starts later than this after it was queued tells that it has no core
 * of its own (a wake-up from sleep takes about 0.1 ms on a virtual machine). */
#define TH_HELP_LATE 2e-3
/* ... unless it had to be woken: waking a thread whose core went idle can itself take
 * milliseconds on a virtual machine, and then was read as a busy core, leaving the
 * helper unused for the next 0.11 s */
#define TH_HELP_LATE_WOKEN 20e-3
#define TH_BLAS_SPIN 0.11
static double th_blas_threads_until = 0;
static Py_ssize_t th_help_late = 0;

/* The kernel tends to wake the helper on the CPU of the thread that woke it, where the
 * two then share one core until the load balancer moves one (milliseconds): the helper
 * keeps off the submitter's CPU (its affinity minus that CPU; the submitter itself is
 * free to move). */
static void th_help_avoid(int cpu)
{
#ifdef __linux__
    static int avoided = -1;
    cpu_set_t set;
    if (cpu < 0 || cpu == avoided || cpu >= CPU_SETSIZE) return;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return;
    if (avoided >= 0) CPU_SET(avoided, &set);   /* what we took away before */
    if (!CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2) return;
    CPU_CLR(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0) avoided = cpu;
#else
    (void)cpu;
#endif
}

static void *th_help_main(void *unused)
{
    int worked = 0;
    (void)unused;
    pthread_mutex_lock(&th_help_mu);
    for (;;) {
        th_job *J;
        if (th_help_len == 0 && worked) {
            double until = th_now() + TH_HELP_SPIN;
            int spins = 0;
            pthread_mutex_unlock(&th_help_mu);
            while (__atomic_load_n(&th_help_len, __ATOMIC_ACQUIRE) == 0) {
                /* yield: on the CPU of a thread with work (the loop that will hand us the
                 * next job, say), that thread runs; on a core of its own it comes back */
                th_help_pause();
                if (++spins % 16 == 0) {
                    sched_yield();
                    if (th_now() > until) break;
                }
            }
            pthread_mutex_lock(&th_help_mu);
        }
        while (th_help_len == 0) {
            th_help_asleep = 1;
            pthread_cond_wait(&th_help_work, &th_help_mu);
        }
        th_help_asleep = 0;
        J = th_help_q[th_help_head];
        th_help_head = (th_help_head + 1) % th_help_cap;
        th_help_len--;
        J->taken = 1;
        th_help_avoid(J->cpu);
        if (th_now() - J->queued > (J->woke ? TH_HELP_LATE_WOKEN : TH_HELP_LATE)) {
            /* the helper did not get a core for that long: something else has it (the
             * spinning threads of a BLAS called from elsewhere); leave it alone a while */
            th_blas_threads_until = th_now() + TH_BLAS_SPIN;
            th_help_late++;
        }
        pthread_mutex_unlock(&th_help_mu);
        if (J->run) J->run(J, 1);
        worked = 1;
        pthread_mutex_lock(&th_help_mu);
        __atomic_store_n(&J->done, 1, __ATOMIC_RELEASE);   /* th_help_join_many spins on it */
        th_help_jobs++;
        pthread_cond_broadcast(&th_help_idle);
    }
    return NULL;
}

/* Queue J for the helper.  Returns 0, or -1 when there is no helper (the caller then
 * does all the work: it must not join J). */
static int th_help_submit(th_job *J)
{
    int rc = -1;
    J->taken = J->done = 0;
    J->queued = th_now();
#ifdef __linux__
    J->cpu = sched_getcpu();
#else
    J->cpu = -1;
#endif
    if (!th_help_enabled) return -1;
    pthread_mutex_lock(&th_help_mu);
    if (!th_help_started && !th_help_failed) {
        static int atfork = 0;
        pthread_t th;
        pthread_attr_t attr;
        if (!atfork) {
            pthread_atfork(NULL, NULL, th_help_after_fork);
            atfork = 1;
        }
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&th, &attr, th_help_main, NULL) == 0) th_help_started = 1;
        else th_help_failed = 1;
        pthread_attr_destroy(&attr);
    }
    if (th_help_started) {
        if (th_help_len == th_help_cap) {
            Py_ssize_t cap = 2 * th_help_cap + 16, j;
            th_job **q = malloc(sizeof(th_job *) * cap);
            if (q) {
                for (j = 0; j < th_help_len; j++)
                    q[j] = th_help_q[(th_help_head + j) % th_help_cap];
                free(th_help_q);
                th_help_q = q;
                th_help_cap = cap;
                th_help_head = 0;
            }
        }
        if (th_help_len < th_help_cap) {
            J->woke = th_help_asleep;
            th_help_q[(th_help_head + th_help_len) % th_help_cap] = J;
            th_help_len++;
            pthread_cond_signal(&th_help_work);
            rc = 0;
        }
    }
    pthread_mutex_unlock(&th_help_mu);
    return rc;
}

/* OpenBLAS's own threads spin for a while after each product they ran (2**28 cycles by
 * default): while they may, the helper would take the core from them or they from it,
 * and a loop waiting for the helper would wait for the kernel's scheduler.  The runtime
 * notes when it calls a product that OpenBLAS runs on its threads, and leaves the helper
 * alone for TH_BLAS_SPIN seconds after. */
static Py_ssize_t th_blas_threaded_calls = 0, th_split_helped = 0, th_split_alone = 0;

static void th_blas_threads_used(void)
{
    th_blas_threaded_calls++;
    th_blas_threads_until = th_now() + TH_BLAS_SPIN;
}

/* Whether work should go to the helper now: never when the user allows one thread
 * (OMP_NUM_THREADS=1, config.openmp_threads, a one-CPU affinity mask: th_nthreads), where
 * the helper could only take turns with the caller on its core. */
static int th_help_usable(void)
{
    return th_help_enabled && th_nthreads > 1 && !th_help_failed
        && th_now() >= th_blas_threads_until;
}

/* Wake the helper ahead of work about to come (it then watches the queue a while). */
static void th_help_wake(void)
{
    static th_job nothing;       /* no run function: the helper only wakes */
    if (!th_help_usable()) return;
    pthread_mutex_lock(&th_help_mu);
    if (th_help_started && th_help_len == 0 && (nothing.done || !nothing.taken)) {
        nothing.taken = nothing.done = 0;
        pthread_mutex_unlock(&th_help_mu);
        th_help_submit(&nothing);
        return;
    }
    pthread_mutex_unlock(&th_help_mu);
}

/* Remove J from the queue (under th_help_mu; J not taken). */
static void th_help_unqueue(th_job *J)
{
    Py_ssize_t j;
    for (j = 0; j < th_help_len; j++) {
        if (th_help_q[(th_help_head + j) % th_help_cap] == J) {
            for (; j + 1 < th_help_len; j++)
                th_help_q[(th_help_head + j) % th_help_cap] =
                    th_help_q[(th_help_head + j + 1) % th_help_cap];
            th_help_len--;
            return;
        }
    }
}

/* A caller waiting for the helper watches its jobs for this long before it sleeps.  The
 * wait is usually the rest of one tile (tens of microseconds), and a thread that sleeps
 * is woken by the helper through the kernel: on a virtual machine whose vCPU halted
 * meanwhile, that wake-up alone took 20-110 microseconds, as long as the wait itself
 * (measured: a third of the split products of a logistic-regression step waited so). */
#define TH_JOIN_SPIN 1e-3

/* Whether the jobs not taken back are done (spinning, without the lock). */
static int th_help_all_done(th_job **jobs, Py_ssize_t n, const unsigned char *back)
{
    Py_ssize_t k;
    for (k = 0; k < n; k++)
        if (!back[k] && !__atomic_load_n(&jobs[k]->done, __ATOMIC_ACQUIRE)) return 0;
    return 1;
}

/* After jobs[0..n) were submitted, in that order: take back those the helper has not
 * started (back[k] = 1: the caller runs them; all at once, so the helper starts none of
 * them meanwhile) and wait until it is done with the others (the jobs before them). */
static void th_help_join_many(th_job **jobs, Py_ssize_t n, unsigned char *back)
{
    Py_ssize_t k;
    double until;
    int spins = 0;
    pthread_mutex_lock(&th_help_mu);
    for (k = 0; k < n; k++) {
        back[k] = !jobs[k]->taken;
        if (back[k]) th_help_unqueue(jobs[k]);
    }
    pthread_mutex_unlock(&th_help_mu);
    until = th_now() + TH_JOIN_SPIN;
    while (!th_help_all_done(jobs, n, back)) {
        th_help_pause();
        if (++spins % 16 == 0) {
            sched_yield();      /* on a core shared with the helper, the helper runs */
            if (th_now() > until) break;
        }
    }
    pthread_mutex_lock(&th_help_mu);
    for (k = 0; k < n; k++)
        while (!back[k] && !jobs[k]->done) pthread_cond_wait(&th_help_idle, &th_help_mu);
    pthread_mutex_unlock(&th_help_mu);
}

/* th_help_join_many of one job: 0 when taken back, 1 when the helper ran it. */
static int th_help_join(th_job *J)
{
    unsigned char back;
    th_help_join_many(&J, 1, &back);
    return !back;
}
