#include "gc_ncurses.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* Runs from signal handlers: only a flag, write(2), endwin and sigaction. endwin is not
   formally async-signal-safe, but every curses program does this and the alternative is a
   terminal left in raw mode. */

static volatile sig_atomic_t curses_active = 0;
static struct sigaction previous_actions[32];

void gc_restore_terminal(void) {
    if (!curses_active) return;
    curses_active = 0;
    static const char leave[] = "\033[?2004l";
    ssize_t ignored = write(STDOUT_FILENO, leave, sizeof leave - 1);
    (void)ignored;
    endwin();
}

static void fatal_signal(int sig) {
    /* write, endwin and sigaction may set errno; the interrupted code must not see it
       change (ThreadSanitizer: "signal handler spoils errno"). */
    const int saved_errno = errno;
    gc_restore_terminal();
    /* Termination signals get the default action, so the exit status says "killed by
       SIGTERM" (ncurses' own handler, installed by initscr, would exit(1) instead). Crash
       signals go back to what was there before (Swift's backtracer) so the crash report
       still appears. Either way the signal is re-raised once this handler returns. */
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
        signal(sig, SIG_DFL);
        /* Die here rather than when the handler returns: until then the UI thread could
           draw again, and a refresh after endwin re-enters full-screen mode. */
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        pthread_sigmask(SIG_UNBLOCK, &only, NULL);
        raise(sig);
        return;
    } else if (sig > 0 && sig < 32) {
        sigaction(sig, &previous_actions[sig], NULL);
    }
    raise(sig);
    errno = saved_errno;
}

static void atexit_restore(void) { gc_restore_terminal(); }

void gc_install_restore_handlers(void) {
    static int installed = 0;
    curses_active = 1;
    if (installed) return;
    installed = 1;
    atexit(atexit_restore);
    /* A stack overflow (SIGSEGV on the guard page) leaves no stack to run the handler on:
       give this thread (the UI's) a separate one, so the terminal is restored even then. */
    static char alternate_stack[1 << 16];
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    sigaltstack(&stack, NULL);
    const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = fatal_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND | SA_ONSTACK;
        sigaction(signals[i], &action, &previous_actions[signals[i]]);
    }
}

/* Signal stacks are per thread: the one set up above serves the UI thread only. Threads that
   run replies (a dispatch queue's workers, the demo's threads) get one each on first use. */
static pthread_key_t alternate_stack_key;
static pthread_once_t alternate_stack_once = PTHREAD_ONCE_INIT;

static void free_alternate_stack(void *memory) {
    stack_t off;
    memset(&off, 0, sizeof off);
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, NULL);
    free(memory);
}

static void make_alternate_stack_key(void) { pthread_key_create(&alternate_stack_key, free_alternate_stack); }

void gc_prepare_thread_for_crashes(void) {
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
    pthread_once(&alternate_stack_once, make_alternate_stack_key);
    const size_t size = 1 << 16;
    void *memory = malloc(size);
    if (!memory) return;
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = memory;
    stack.ss_size = size;
    if (sigaltstack(&stack, NULL) != 0) { free(memory); return; }
    pthread_setspecific(alternate_stack_key, memory);
}

void gc_mark_curses_inactive(void) { curses_active = 0; }

void gc_suspend(void) {
    gc_enable_bracketed_paste(0);
    endwin();
    curses_active = 0;
    /* The default action, not ncurses' own SIGTSTP handler: the screen comes back through
       the caller's full redraw. */
    struct sigaction stop, previous;
    memset(&stop, 0, sizeof stop);
    stop.sa_handler = SIG_DFL;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTSTP, &stop, &previous);
    raise(SIGTSTP);
    sigaction(SIGTSTP, &previous, NULL);
    curses_active = 1;
}
