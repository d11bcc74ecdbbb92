#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command's output on its way from the device's owner, which produces it (streamed chunks,
/// then what the command returned), to the line's thread, which pages it. The owner never waits
/// here: a line at --More-- pauses only its own output, and the device goes on serving the DAS,
/// its timers and the other lines. Once the user stops the output (`q` at --More--, or the
/// connection is gone) further chunks are dropped as they come.
///
/// `@unchecked Sendable`: every field is guarded by the mutex.
final class CommandOutputQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var ready = pthread_cond_t()
    private var chunks: [String] = []
    private var finished = false
    private var cancelled = false
    private var gone = false

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&ready, nil)
    }

    deinit {
        pthread_cond_destroy(&ready)
        pthread_mutex_destroy(&mutex)
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// A new command is about to run.
    func reset() {
        locked {
            chunks = []
            finished = false
            cancelled = false
            gone = false
        }
    }

    /// Owner: part of the output.
    func push(_ text: String) {
        guard !text.isEmpty else { return }
        locked {
            guard !cancelled else { return }
            chunks.append(text)
            pthread_cond_signal(&ready)
        }
    }

    /// Owner: the command is over; `rest` is what it returned (nil: it never ran).
    func finish(_ rest: String?) {
        locked {
            if let rest, !rest.isEmpty, !cancelled { chunks.append(rest) }
            if rest == nil { gone = true }
            finished = true
            pthread_cond_signal(&ready)
        }
    }

    /// Line thread: the output is not wanted any more.
    func cancel() {
        locked {
            cancelled = true
            chunks = []
        }
    }

    /// Line thread: the next chunk, waiting for it; nil once the command is over and all is read.
    func next() -> String? {
        locked {
            while chunks.isEmpty, !finished { pthread_cond_wait(&ready, &mutex) }
            return chunks.isEmpty ? nil : chunks.removeFirst()
        }
    }

    /// Line thread: true when the command never ran because the owner is gone.
    var ownerGone: Bool { locked { gone } }
}
