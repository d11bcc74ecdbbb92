/* libedit wrapped in plain functions for Swift; see CLineEdit.h. */
#define _GNU_SOURCE   /* fopencookie */
#include "CLineEdit.h"

#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

_Static_assert(CLE_NORM == CC_NORM && CLE_NEWLINE == CC_NEWLINE && CLE_EOF == CC_EOF
               && CLE_REFRESH == CC_REFRESH && CLE_ERROR == CC_ERROR
               && CLE_REDISPLAY == CC_REDISPLAY, "CLE_* codes must equal libedit's CC_*");

struct cle_editor {
    EditLine *el;
    History *history;
    char *prompt;
    void *context;
    cle_key_handler handler;
    int in_fd;
    FILE *in_file;          /* our own streams for a line that is not standard input/output */
    FILE *out_file;
    int wake_fd;
    int wake_key;
    int idle_ms;            /* -1: wait for ever */
    int timed_out;
    int lead;   /* the keys read so far end inside a key sequence: a LEAD_* value */
    cle_idle_fn idle;       /* called before blocking for input; non-zero ends the input */
    long consumed;          /* input bytes read so far (by libedit and by cle_add_consumed) */
    struct held_output *held;   /* out_file's bytes not yet written (NULL: written as flushed) */
};

/* A line's own output stream holds what libedit writes while keys are still waiting to be read,
   and writes it when the editor is about to wait (or hands control to the program). libedit
   flushes after every key it echoes; typed ahead (a paste, a replay, a program driving the line)
   that made one write and one wake of the reader per character. What is shown, and its order
   against the program's own writes to the terminal, are unchanged: everything held is written
   before any key handler runs, before the editor waits or reports that it waits, and when a line
   is returned. */
struct held_output {
    int fd;
    size_t length;
    char bytes[16384];
};

static void write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;                         /* the terminal is gone: the read side sees it */
        }
        bytes += n;
        count -= (size_t)n;
    }
}

static void held_flush(struct held_output *h) {
    write_all(h->fd, h->bytes, h->length);
    h->length = 0;
}

#ifdef __GLIBC__
static ssize_t held_write(void *cookie, const char *bytes, size_t count) {
    struct held_output *h = cookie;
    if (h->length + count > sizeof h->bytes) held_flush(h);
    if (count > sizeof h->bytes) {
        write_all(h->fd, bytes, count);
    } else {
        memcpy(h->bytes + h->length, bytes, count);
        h->length += count;
    }
    return (ssize_t)count;
}

static int held_close(void *cookie) {
    struct held_output *h = cookie;
    held_flush(h);
    close(h->fd);
    free(h);
    return 0;
}
#endif

/* Writes what the line's stream holds. */
static void flush_output(struct cle_editor *e) {
    if (!e || !e->held) return;
    fflush(e->out_file);
    held_flush(e->held);
}

/* Writes what the line's stream holds unless a key is already waiting to be read. */
static void flush_unless_key_waits(struct cle_editor *e) {
    if (!e || !e->held) return;
    fflush(e->out_file);
    if (e->held->length == 0) return;
    struct pollfd key = { e->in_fd, POLLIN, 0 };
    if (poll(&key, 1, 0) > 0 && (key.revents & POLLIN)) return;
    held_flush(e->held);
}

/* Where the keys read so far leave libedit's key sequence: the wake key must not land inside
   one, where libedit would read it as part of the sequence (Esc ^_ copies the previous word,
   ^V ^_ inserts it) and the asynchronous lines would wait for the next wake. */
enum {
    LEAD_NONE = 0,
    LEAD_ESCAPE,    /* after Esc: a meta key or the start of an escape sequence */
    LEAD_CSI,       /* inside Esc [ ... or Esc O ...: until the final byte */
    LEAD_ONE_MORE,  /* after ^V (quoted insert) or ^X (emacs lead-in): one more key belongs to it */
};

static int next_lead(int lead, wchar_t key) {
    switch (lead) {
    case LEAD_ESCAPE:
        if (key == L'[' || key == L'O') return LEAD_CSI;
        return key == 0x1b ? LEAD_ESCAPE : LEAD_NONE;
    case LEAD_CSI:
        return (key >= 0x40 && key <= 0x7e) ? LEAD_NONE : LEAD_CSI;
    case LEAD_ONE_MORE:
        return LEAD_NONE;
    default:
        if (key == 0x1b) return LEAD_ESCAPE;
        if (key == 0x16 || key == 0x18) return LEAD_ONE_MORE;
        return LEAD_NONE;
    }
}

static cle_editor *editor_of(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

static char *prompt_fn(EditLine *el) {
    cle_editor *e = editor_of(el);
    return (e && e->prompt) ? e->prompt : "";
}

/* EL_ADDFN functions carry no argument, so each action number gets its own trampoline. */
static unsigned char dispatch(EditLine *el, int action, int key) {
    cle_editor *e = editor_of(el);
    if (!e || !e->handler) return CC_ERROR;
    flush_output(e);    /* the handler writes to the terminal itself: after what libedit drew */
    return (unsigned char)e->handler(e->context, action, key);
}
#define TRAMPOLINE(n) static unsigned char action_##n(EditLine *el, int key) { return dispatch(el, n, key); }
TRAMPOLINE(0) TRAMPOLINE(1) TRAMPOLINE(2) TRAMPOLINE(3)
TRAMPOLINE(4) TRAMPOLINE(5) TRAMPOLINE(6) TRAMPOLINE(7)
static unsigned char (*const actions[CLE_MAX_ACTIONS])(EditLine *, int) = {
    action_0, action_1, action_2, action_3, action_4, action_5, action_6, action_7,
};

/* The read function (EL_GETCFN): like libedit's own, but it also watches the wake pipe, so
   another thread can make el_gets run the wake_key binding (which prints asynchronous output and
   redraws) without a keystroke. Between key sequences the pipe wins over keys already typed, so
   lines logged while a command ran come right after the next prompt even when more lines were
   typed ahead (pasted); inside a sequence (an arrow key's Esc [ A) only keys are read. Returns 1
   with a character, 0 at EOF, -1 on error. */
static int read_char(EditLine *el, wchar_t *out) {
    cle_editor *e = editor_of(el);
    char bytes[MB_LEN_MAX];
    size_t have = 0;
    for (;;) {
        flush_unless_key_waits(e);
        int key_ready = 0;
        if (e && e->idle && e->wake_fd >= 0) {
            /* About to wait (no key ready): tell the driver how far the input got; it may end
               the input (a piped console or a replay that gave all its keys). */
            struct pollfd fds[2] = { { e->in_fd, POLLIN, 0 }, { e->wake_fd, POLLIN, 0 } };
            int ready = poll(fds, 2, 0);
            if (ready < 0 && errno != EINTR) return -1;
            /* A key waits and the pipe does not: read it without asking poll again. */
            key_ready = ready > 0 && fds[0].revents != 0 && fds[1].revents == 0;
            if (ready >= 0 && fds[0].revents == 0) {
                int woken = fds[1].revents != 0;
                int inside = have > 0 || e->lead != LEAD_NONE;
                /* Woken between keys: the wake key goes first (its output before the report). */
                if ((!woken || inside) && e->idle(e->context, e->consumed) != 0) return 0;
                if (inside) {
                    /* Inside a character or key sequence the wake key cannot be returned: wait
                       for a key, and for the wake pipe (the end of input) unless it is already
                       up, in which case look again every 50 ms rather than spin. */
                    struct pollfd wait[2] = { { e->in_fd, POLLIN, 0 }, { e->wake_fd, POLLIN, 0 } };
                    poll(wait, woken ? 1 : 2, woken ? 50 : -1);
                    continue;
                }
            }
        }
        if (!key_ready && have == 0 && e && e->wake_fd >= 0 && e->lead == LEAD_NONE) {
            struct pollfd fds[2] = { { e->in_fd, POLLIN, 0 }, { e->wake_fd, POLLIN, 0 } };
            int ready = poll(fds, 2, e->idle_ms);
            if (ready < 0) {
                if (errno == EINTR) continue;   /* SIGWINCH and friends: libedit handled them */
                return -1;
            }
            if (ready == 0) {                   /* the line's exec-timeout */
                e->timed_out = 1;
                return 0;
            }
            if (fds[1].revents & POLLIN) {
                char drain[256];
                while (read(e->wake_fd, drain, sizeof drain) > 0) {}
                *out = (wchar_t)e->wake_key;
                return 1;
            }
        }
        ssize_t n = read(e ? e->in_fd : STDIN_FILENO, bytes + have, 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) return 0;
        if (e) e->consumed++;
        have++;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t r = mbrtowc(out, bytes, have, &state);
        if (r == (size_t)-2 && have < sizeof bytes) continue;        /* incomplete sequence */
        if (r == (size_t)-1 || r == (size_t)-2) {
            /* Invalid UTF-8: typed as U+FFFD, as on piped input; the shell rejects it with a caret
               instead of running the rest of the line as if the byte had not been typed. */
            *out = 0xFFFD;
            have = 0;
            if (e) e->lead = next_lead(e->lead, *out);
            return 1;
        }
        if (e && e->wake_fd >= 0 && *out == (wchar_t)e->wake_key) { have = 0; continue; }
        if (e) e->lead = next_lead(e->lead, *out);
        return 1;
    }
}

static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t locale_once = PTHREAD_ONCE_INIT;

/* The console reads and echoes UTF-8 whatever the user's locale (piped input does too): in
   the C locale libedit would drop every non-ASCII byte and run the rest of the line. Once per
   process: setlocale is not safe while other threads run editors. */
static void set_locale(void) {
    if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "");
}

cle_editor *cle_create(const char *program, int history_size, int wake_fd, int wake_key) {
    return cle_create_fd(program, history_size, STDIN_FILENO, STDOUT_FILENO, wake_fd, wake_key, 1);
}

/* The actions' names for el_wset(EL_ADDFN) (cle_bind binds keys to them by these names). */
static const wchar_t *const action_names[CLE_MAX_ACTIONS] = {
    L"cle-action-0", L"cle-action-1", L"cle-action-2", L"cle-action-3",
    L"cle-action-4", L"cle-action-5", L"cle-action-6", L"cle-action-7",
};
_Static_assert(CLE_MAX_ACTIONS == 8, "one name per action");

cle_editor *cle_create_fd(const char *program, int history_size, int in_fd, int out_fd,
                          int wake_fd, int wake_key, int signals) {
    cle_editor *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->wake_fd = wake_fd;
    e->wake_key = wake_key;
    e->in_fd = in_fd;
    e->idle_ms = -1;
    pthread_once(&locale_once, set_locale);
    FILE *in = stdin, *out = stdout;
    if (in_fd != STDIN_FILENO || out_fd != STDOUT_FILENO) {
        int in_copy = dup(in_fd), out_copy = dup(out_fd);
        e->in_file = in_copy >= 0 ? fdopen(in_copy, "r") : NULL;
#ifdef __GLIBC__
        e->held = out_copy >= 0 ? calloc(1, sizeof *e->held) : NULL;
        if (e->held) {
            e->held->fd = out_copy;
            cookie_io_functions_t io = { .read = NULL, .write = held_write, .seek = NULL, .close = held_close };
            e->out_file = fopencookie(e->held, "w", io);
            if (!e->out_file) { free(e->held); e->held = NULL; }
        }
#else
        e->out_file = out_copy >= 0 ? fdopen(out_copy, "w") : NULL;
#endif
        if (!e->in_file || !e->out_file) {
            if (!e->in_file && in_copy >= 0) close(in_copy);
            if (!e->out_file && out_copy >= 0) close(out_copy);
            cle_destroy(e);
            return NULL;
        }
        in = e->in_file;
        out = e->out_file;
    }
    /* libedit's set-up reads terminal capabilities through process-wide state: one at a time. */
    pthread_mutex_lock(&create_lock);
    e->el = el_init_fd(program, in, out, out, in_fd, out_fd, out_fd);
    pthread_mutex_unlock(&create_lock);
    e->history = history_init();
    if (!e->el || !e->history) { cle_destroy(e); return NULL; }
    HistEvent ev;
    history(e->history, &ev, H_SETSIZE, history_size > 0 ? history_size : 1);

    el_set(e->el, EL_CLIENTDATA, e);
    el_set(e->el, EL_EDITOR, "emacs");
    el_set(e->el, EL_PROMPT, prompt_fn);
    el_set(e->el, EL_HIST, history, e->history);
    /* The console restores its tty on signals and follows SIGWINCH; a vty's editor must not
       install process-wide handlers (its window size comes from the connection: cle_resize). */
    el_set(e->el, EL_SIGNAL, signals ? 1 : 0);
    el_set(e->el, EL_GETCFN, read_char);
    /* Edit mode without ISIG: Ctrl-Z must be a key (IOS: leave config mode), not SIGTSTP. */
    el_set(e->el, EL_SETTY, "-d", "-isig", NULL);
    /* el_set(EL_ADDFN) copies the name and help into wide strings libedit never frees (its
       eln.c: "The two strdup's leak"): about 1.3 KB per editor, so per vty login, which a soak of
       thousands of SSH logins showed. el_wset keeps the pointers it is given: static strings. */
    for (int i = 0; i < CLE_MAX_ACTIONS; i++) {
        el_wset(e->el, EL_ADDFN, action_names[i], L"flexvpn-emu console action", actions[i]);
    }
    return e;
}

void cle_set_idle_timeout(cle_editor *e, int milliseconds) {
    e->idle_ms = milliseconds > 0 ? milliseconds : -1;
}

int cle_timed_out(cle_editor *e) {
    return e->timed_out;
}

void cle_resize(cle_editor *e) {
    el_resize(e->el);
}

void cle_destroy(cle_editor *e) {
    if (!e) return;
    if (e->el) {
        pthread_mutex_lock(&create_lock);
        el_end(e->el);                      /* also puts the tty back as it found it */
        pthread_mutex_unlock(&create_lock);
    }
    if (e->history) history_end(e->history);
    if (e->in_file) fclose(e->in_file);
    if (e->out_file) fclose(e->out_file);
    free(e->prompt);
    free(e);
}

void cle_set_handler(cle_editor *e, void *context, cle_key_handler handler) {
    e->context = context;
    e->handler = handler;
}

int cle_set_prompt(cle_editor *e, const char *prompt) {
    char *copy = strdup(prompt ? prompt : "");
    if (!copy) return -1;
    free(e->prompt);
    e->prompt = copy;
    return 0;
}

int cle_bind(cle_editor *e, const char *key, int action) {
    if (action < 0 || action >= CLE_MAX_ACTIONS) return -1;
    char name[32];
    snprintf(name, sizeof name, "cle-action-%d", action);
    return el_set(e->el, EL_BIND, key, name, NULL);
}

int cle_bind_builtin(cle_editor *e, const char *key, const char *function) {
    return el_set(e->el, EL_BIND, key, function, NULL);
}

const char *cle_gets(cle_editor *e, int *count) {
    e->lead = LEAD_NONE;
    e->timed_out = 0;
    const char *line = el_gets(e->el, count);
    flush_output(e);    /* the line's echo before the command's output */
    return line;
}

const char *cle_line(cle_editor *e, int *length, int *cursor) {
    const LineInfo *li = el_line(e->el);
    *length = (int)(li->lastchar - li->buffer);
    *cursor = (int)(li->cursor - li->buffer);
    return li->buffer;
}

int cle_line_chars(cle_editor *e, int *cursor) {
    const LineInfoW *li = el_wline(e->el);
    *cursor = (int)(li->cursor - li->buffer);
    return (int)(li->lastchar - li->buffer);
}

void cle_cursor_to_end(cle_editor *e) {
    int cursor;
    int length = cle_line_chars(e, &cursor);
    el_cursor(e->el, length - cursor);
}

void cle_clear_line(cle_editor *e) {
    cle_cursor_to_end(e);
    int cursor;
    int length = cle_line_chars(e, &cursor);
    if (length > 0) el_deletestr(e->el, length);
}

int cle_insert(cle_editor *e, const char *text) {
    return el_insertstr(e->el, text);
}

int cle_columns(cle_editor *e) {
    int columns = 0;
    if (el_get(e->el, EL_GETTC, "co", &columns, NULL) != 0 || columns <= 0) return 80;
    return columns;
}

int cle_history_enter(cle_editor *e, const char *line) {
    HistEvent ev;
    return history(e->history, &ev, H_ENTER, line);
}

int cle_history_count(cle_editor *e) {
    HistEvent ev;
    if (history(e->history, &ev, H_GETSIZE) < 0) return 0;
    return ev.num;
}

void cle_history_clear(cle_editor *e) {
    HistEvent ev;
    history(e->history, &ev, H_CLEAR);
}

int cle_delete_under_cursor(cle_editor *e) {
    int cursor;
    int length = cle_line_chars(e, &cursor);
    if (cursor >= length) return 0;
    el_cursor(e->el, 1);
    el_deletestr(e->el, 1);
    return 1;
}

void cle_set_idle(cle_editor *e, cle_idle_fn idle) {
    e->idle = idle;
}

void cle_add_consumed(cle_editor *e, long count) {
    e->consumed += count;
}

long cle_consumed(cle_editor *e) {
    return e->consumed;
}

int cle_set_terminal(cle_editor *e, const char *type) {
    /* Reads the terminal database through process-wide state, as el_init does. */
    pthread_mutex_lock(&create_lock);
    int result = el_set(e->el, EL_TERMINAL, type);
    pthread_mutex_unlock(&create_lock);
    return result;
}

int cle_quiet_between_lines(cle_editor *e) {
    return el_set(e->el, EL_SETTY, "-x", "-echo", "-icanon", "-isig", "-iexten", "-ixon", NULL);
}
