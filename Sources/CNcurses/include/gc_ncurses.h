#ifndef GC_NCURSES_H
#define GC_NCURSES_H

/* The wide-character API (get_wch, mvaddnwstr, setcchar) only exists with this set. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Swift 6 rejects mutable C globals (stdscr, COLORS) and cannot import function-like
   macros, so everything the adapter needs goes through these gc_ functions. */

static inline WINDOW *gc_stdscr(void) { return stdscr; }
static inline int gc_colors(void) { return COLORS; }
static inline int gc_color_pairs(void) { return COLOR_PAIRS; }
static inline int gc_rows(void) { return getmaxy(stdscr); }
static inline int gc_cols(void) { return getmaxx(stdscr); }

static inline attr_t gc_a_normal(void) { return A_NORMAL; }
static inline attr_t gc_a_bold(void) { return A_BOLD; }
static inline attr_t gc_a_dim(void) { return A_DIM; }
static inline attr_t gc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t gc_a_reverse(void) { return A_REVERSE; }
static inline attr_t gc_a_italic(void) { return A_ITALIC; }

static inline int gc_key_f(int n) { return KEY_F(n); }
static inline int gc_ok(void) { return OK; }
static inline int gc_err(void) { return ERR; }
static inline int gc_key_code_yes(void) { return KEY_CODE_YES; }

static inline mmask_t gc_wheel_up_mask(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t gc_wheel_down_mask(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t gc_wheel_down_mask(void) { return 0; }
#endif

/* get_wch with the result split into a status and a 32-bit value (wint_t varies). */
static inline int gc_get_wch(unsigned int *out) {
    wint_t ch = 0;
    int rc = get_wch(&ch);
    *out = (unsigned int)ch;
    return rc;
}

/* Draws `n` wide characters at (y, x) with attributes and a colour pair. */
static inline void gc_put(int y, int x, const wchar_t *s, int n, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    mvaddnwstr(y, x, s, n);
}

/* ---- Terminal restoration (gc_restore.c) ---------------------------------------
   Whatever ends the process (SIGTERM, SIGHUP, SIGINT from `kill`, a Swift trap that
   raises SIGILL/SIGTRAP, abort, exit()) must leave the terminal usable. */

/* Call right after initscr(): installs atexit and signal handlers once, marks curses active. */
void gc_install_restore_handlers(void);
/* Gives the calling thread its own alternate signal stack (freed when the thread ends), so
   the terminal-restoring handler also runs after a stack overflow on that thread. */
void gc_prepare_thread_for_crashes(void);
/* Leaves curses mode if still active (async-signal tolerant; used by the handlers). */
void gc_restore_terminal(void);
/* Called after a normal endwin() so the handlers become no-ops. */
void gc_mark_curses_inactive(void);
/* Ctrl-Z: leaves curses mode (bracketed paste off), stops like a shell job and returns
   when continued (`fg`); the caller then redraws. */
void gc_suspend(void);

static inline void gc_enable_bracketed_paste(int on) {
    const char *seq = on ? "\033[?2004h" : "\033[?2004l";
    ssize_t ignored = write(STDOUT_FILENO, seq, strlen(seq));
    (void)ignored;
}

#endif
