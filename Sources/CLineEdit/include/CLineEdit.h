#ifndef CLINEEDIT_H
#define CLINEEDIT_H

/*
 * A small, non-variadic face on libedit for Swift. Swift cannot call el_set/el_get/history
 * (they are C variadic functions), so every call the terminal console needs is wrapped here.
 * <histedit.h> is included by shim.c only, so Swift never sees libedit's own declarations.
 *
 * One cle_editor reads one terminal (stdin/stdout, or a pty) and writes it. One thread owns
 * each editor; editors on different threads may run at once.
 */

#include <stddef.h>

typedef struct cle_editor cle_editor;

/* What a key handler returns: libedit's CC_* codes (shim.c checks they match). */
enum {
    CLE_NORM = 0,        /* nothing to show */
    CLE_NEWLINE = 1,     /* end the line: cle_gets returns */
    CLE_EOF = 2,         /* end of input: cle_gets returns NULL */
    CLE_REFRESH = 4,     /* the buffer changed: redraw what differs */
    CLE_ERROR = 6,       /* ring the bell */
    CLE_REDISPLAY = 8,   /* output went to the screen: redraw prompt and buffer on a fresh line */
};

/* Key handlers bound with cle_bind get one of these action numbers. */
#define CLE_MAX_ACTIONS 8

/* Called for a bound key: `action` as given to cle_bind, `key` the character typed.
   Returns one of the CLE_* codes above. */
typedef int (*cle_key_handler)(void *context, int action, int key);

/* Creates an editor on stdin/stdout/stderr in emacs mode, with history of `history_size` lines,
   terminal signals off in edit mode (so Ctrl-C and Ctrl-Z reach key bindings), and a read
   function that also watches `wake_fd`: when it becomes readable it is drained and `wake_key`
   is returned as if typed (a real `wake_key` typed by the user is dropped). wake_fd < 0: none.
   Returns NULL on failure. */
cle_editor *cle_create(const char *program, int history_size, int wake_fd, int wake_key);
/* The same on any terminal: reads `in_fd`, writes `out_fd` (a vty's pseudo-terminal).
   `signals` 0: no process-wide signal handlers (EL_SIGNAL 0), as every editor but the
   console's must. */
cle_editor *cle_create_fd(const char *program, int history_size, int in_fd, int out_fd,
                          int wake_fd, int wake_key, int signals);
void cle_destroy(cle_editor *editor);

/* cle_gets gives up (returns NULL, cle_timed_out then 1) after `milliseconds` without a key
   (the line's exec-timeout); 0: never. Needs a wake_fd (the wait happens in its poll). */
void cle_set_idle_timeout(cle_editor *editor, int milliseconds);
int cle_timed_out(cle_editor *editor);
/* The terminal's size changed (TIOCSWINSZ on the pty): libedit reads it again. */
void cle_resize(cle_editor *editor);

/* The object that key handlers receive, and the handler itself. */
void cle_set_handler(cle_editor *editor, void *context, cle_key_handler handler);

/* The prompt shown from now on (copied). */
int cle_set_prompt(cle_editor *editor, const char *prompt);

/* Binds `key` (libedit notation: "?", "^I", "^Z") to the handler with `action`
   (0 ..< CLE_MAX_ACTIONS). Returns 0 on success. */
int cle_bind(cle_editor *editor, const char *key, int action);
/* Binds `key` to one of libedit's own functions ("ed-delete-prev-word"). */
int cle_bind_builtin(cle_editor *editor, const char *key, const char *function);

/* Reads one line with editing. Returns the line (with its "\n" when Enter ended it; owned by the
   editor, valid until the next call) and its length, or NULL at EOF /
   a handler that returned CLE_NEWLINE on an empty buffer / CLE_EOF. */
const char *cle_gets(cle_editor *editor, int *count);

/* The current buffer while a handler runs: its bytes (not NUL-terminated, owned by the editor),
   byte length and the cursor's byte offset. */
const char *cle_line(cle_editor *editor, int *length, int *cursor);
/* The same in characters: returns the number of characters, *cursor the cursor's index. */
int cle_line_chars(cle_editor *editor, int *cursor);
/* Moves the cursor to the end of the buffer (no redraw). */
void cle_cursor_to_end(cle_editor *editor);
/* Empties the buffer (no redraw). */
void cle_clear_line(cle_editor *editor);
/* Inserts text at the cursor (no redraw). Returns 0 on success, -1 if it does not fit. */
int cle_insert(cle_editor *editor, const char *text);

/* Terminal width in columns (80 if unknown). */
int cle_columns(cle_editor *editor);

/* Adds a line to the history that the arrow keys walk. */
int cle_history_enter(cle_editor *editor, const char *line);
/* Number of lines in the history. */
int cle_history_count(cle_editor *editor);

/* Empties the history (the console loads the current mode's own history into it). */
void cle_history_clear(cle_editor *editor);
/* Deletes the character under the cursor (IOS's Ctrl-D); returns 0 at the end of the line,
   where there is none. No redraw. */
int cle_delete_under_cursor(cle_editor *editor);


/* Called by the read function each time it is about to wait for input (nothing to read now),
   with the handler's context and the number of input bytes read so far. A non-zero return ends
   the input: cle_gets returns NULL as at end of file. A line driven by a program (piped input,
   transcript replay) learns this way that the line has taken all it was given. Needs a wake_fd;
   the wake pipe going off while the editor waits makes it call `idle` again. */
typedef int (*cle_idle_fn)(void *context, long consumed);
void cle_set_idle(cle_editor *editor, cle_idle_fn idle);
/* Input bytes read outside libedit (a password read by the caller) count as consumed too. */
void cle_add_consumed(cle_editor *editor, long count);
long cle_consumed(cle_editor *editor);
/* Between lines (libedit's "execute" mode, which el_init and every returned line set) the tty
   stays quiet: no echo, no line editing, no signals, no flow control. Keys a program typed ahead
   then wait untouched for the editor, which echoes them at the next prompt. */
int cle_quiet_between_lines(cle_editor *editor);
/* The terminal type libedit draws for ("vt100"), instead of the one TERM names. */
int cle_set_terminal(cle_editor *editor, const char *type);

#endif
