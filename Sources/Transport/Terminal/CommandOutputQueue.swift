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
/// Bounded: the owner produces a command's whole output at once while the line may sit at
/// --More--, so at most `limit` bytes wait here; past that the rest of the output is dropped and
/// the line is told so (`truncationNotice`) instead of the router holding unbounded memory.
///
/// `@unchecked Sendable`: every field is guarded by the mutex.
final class CommandOutputQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var ready = pthread_cond_t()
    private var chunks: [String] = []
    private var queuedBytes = 0
    private var truncated = false
    private var finished = false
    private var cancelled = false
    private var gone = false

    /// The most bytes that wait for one line.
    let limit: Int
    static let defaultLimit = 64 << 20
    static let truncationNotice = "% Output truncated: more than 64 MB was waiting for this line\n"

    init(limit: Int = CommandOutputQueue.defaultLimit) {
        self.limit = limit
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
            queuedBytes = 0
            truncated = false
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
            append(text)
            pthread_cond_signal(&ready)
        }
    }

    /// Owner: the command is over; `rest` is what it returned (nil: it never ran).
    func finish(_ rest: String?) {
        locked {
            if let rest, !rest.isEmpty, !cancelled { append(rest) }
            if truncated, !cancelled { chunks.append(Self.truncationNotice) }
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
            queuedBytes = 0
        }
    }

    /// Line thread: the next chunk, waiting for it; nil once the command is over and all is read.
    func next() -> String? {
        locked {
            while chunks.isEmpty, !finished { pthread_cond_wait(&ready, &mutex) }
            guard !chunks.isEmpty else { return nil }
            let chunk = chunks.removeFirst()
            queuedBytes -= chunk.utf8.count
            return chunk
        }
    }

    /// Under the mutex: queues `text` unless the line already has `limit` bytes waiting.
    private func append(_ text: String) {
        guard !truncated else { return }
        let size = text.utf8.count
        guard queuedBytes + size <= limit else {
            truncated = true
            return
        }
        chunks.append(text)
        queuedBytes += size
    }

    /// Line thread: true when the command never ran because the owner is gone.
    var ownerGone: Bool { locked { gone } }
}
