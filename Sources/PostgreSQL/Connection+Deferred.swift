internal import CPostgreSQL

/// Statements that ride with the next one.
///
/// Every statement is a round trip, and on a busy machine each round trip costs both sides a
/// sleep and a wake-up. A statement whose result nobody reads (a transaction's BEGIN, an
/// advisory lock, an INSERT that either works or fails the transaction) need not have one of its
/// own: it is queued, and sent in one pipeline just before the next statement, or with COMMIT.
/// Order is kept, so the server runs them exactly as if each had been sent alone; only their
/// errors move, to the call that sent them.
extension Connection {
    /// Queues `sql` to run just before the next statement on this connection (or with COMMIT),
    /// in the same round trip, as a cached prepared statement. Outside a transaction it runs at
    /// once.
    ///
    /// Its error, if any, is thrown by the call that sends it: the next statement's, or
    /// ``commit()``'s, after which the transaction is rolled back. The statements after it in that
    /// pipeline are not run.
    public func executeDeferred(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError) {
        guard transactionStatus == .inTransaction else {
            try executeCached(sql, parameters)
            return
        }
        enqueue(try cached(sql, parameterTypes: parameters.map(\.type)), parameters)
    }

    /// Queues a read to travel with the next statement (or COMMIT), as ``executeDeferred(_:_:)``
    /// does a write, keeping its answer: ``answer(_:)`` returns it, sending the queue first when
    /// it has not gone yet. A read the caller may not need (a lookup whose answer matters only
    /// on one path) then costs no round trip of its own. Outside a transaction it runs at once.
    public func queryDeferred(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError)
        -> DeferredAnswer
    {
        let answer = DeferredAnswer()
        guard transactionStatus == .inTransaction else {
            answer.result = try executeCached(sql, parameters)
            return answer
        }
        enqueue(try cached(sql, parameterTypes: parameters.map(\.type)), parameters, answer: answer)
        return answer
    }

    /// The answer of a read queued by ``queryDeferred(_:_:)``; sends what is queued when the read
    /// is still in the queue. Throws when the read was dropped unsent (the transaction, or the
    /// savepoint before it, was rolled back).
    public func answer(_ deferredAnswer: DeferredAnswer) throws(PostgreSQLError) -> QueryResult {
        if deferredAnswer.result == nil, deferred.contains(where: { $0.answer === deferredAnswer }) {
            try flushDeferred()
        }
        guard let result = deferredAnswer.result else {
            throw PostgreSQLError(
                code: .internalError, message: "a queued read was dropped unsent (its transaction was rolled back)")
        }
        return result
    }

    /// Adds a statement to the queue, numbered.
    func enqueue(_ statement: PreparedStatement, _ parameters: [PostgreSQLValue], answer: DeferredAnswer? = nil) {
        deferred.append((statement, parameters, answer))
        statementSequence += 1
    }

    /// A mark for ``changedRows(since:)`` and ``hasQueued(since:)``: the statements queued or
    /// sent from now on come after it. (A batch item takes one before it runs: when it fails,
    /// the two tell whether anything of it reached the database.)
    public var statementMark: Int { statementSequence }

    /// Whether a statement queued or sent after `mark` changed rows: its answer (an INSERT,
    /// UPDATE or DELETE) counted one or more. Statements still queued have no answer yet.
    public func changedRows(since mark: Int) -> Bool { lastChangeSequence >= mark }

    /// Whether a statement queued after `mark` is still waiting to be sent.
    public func hasQueued(since mark: Int) -> Bool { !deferred.isEmpty && statementSequence - 1 >= mark }

    /// The next statement's number.
    func nextSequence() -> Int {
        defer { statementSequence += 1 }
        return statementSequence
    }

    /// Records whether `result`, statement number `sequence`, changed rows; returns it.
    func noted(_ result: QueryResult, sequence: Int) -> QueryResult {
        if result.affectedRows > 0 {
            let tag = result.commandTag
            if tag.hasPrefix("INSERT") || tag.hasPrefix("UPDATE") || tag.hasPrefix("DELETE") || tag.hasPrefix("MERGE") {
                lastChangeSequence = max(lastChangeSequence, sequence)
            }
        }
        return result
    }

    /// Statements queued and not sent yet, the deferred BEGIN included.
    public var deferredCount: Int { deferred.count }

    /// Sends what is queued, alone (before a script, which cannot run in a pipeline). Nothing
    /// when nothing is queued.
    func flushDeferred() throws(PostgreSQLError) {
        guard !deferred.isEmpty else { return }
        _ = try runAfterDeferred([])
    }

    /// Sends what is queued and then `items`, in one pipeline; returns the results of `items`.
    /// A connection lost in the pipeline that carries a transaction's BEGIN, and not its COMMIT,
    /// is marked ``PostgreSQLError/failedBeforeTransaction``.
    func runAfterDeferred(_ items: [PipelineItem]) throws(PostgreSQLError) -> [QueryResult] {
        let opening = beginDeferred && !items.contains { Self.endsTransaction($0.sql) }
        let ahead = takeDeferred()
        let first = statementSequence - ahead.count  // the queue holds the last numbers given
        statementSequence += items.count
        do {
            let results = try runPipeline(ahead.map { .prepared($0.statement, $0.parameters) } + items)
            for (i, result) in results.enumerated() { _ = noted(result, sequence: first + i) }
            for (i, entry) in ahead.enumerated() { entry.answer?.result = results[i] }
            return Array(results.dropFirst(ahead.count))
        } catch {
            var e = error
            if opening && e.isConnectionError { e.failedBeforeTransaction = true }
            throw e
        }
    }

    /// Whether `sql` is a COMMIT (or END): a pipeline that holds one may have committed.
    static func endsTransaction(_ sql: String) -> Bool {
        let word = sql.drop(while: \.isWhitespace).prefix(6).lowercased()
        return word.hasPrefix("commit") || word.hasPrefix("end")
    }

    /// Empties the queue (its statements are about to be sent) and returns it.
    func takeDeferred() -> [(statement: PreparedStatement, parameters: [PostgreSQLValue], answer: DeferredAnswer?)] {
        let ahead = deferred
        deferred.removeAll()
        beginDeferred = false
        return ahead
    }

    /// Drops what is queued without sending it; true when that included the transaction's BEGIN
    /// (so the server never saw the transaction).
    func dropDeferred() -> Bool {
        let unsent = beginDeferred
        deferred.removeAll()
        beginDeferred = false
        return unsent
    }
}

/// Where a read queued by ``Connection/queryDeferred(_:_:)`` leaves its answer once sent.
public final class DeferredAnswer {
    fileprivate(set) var result: QueryResult?
    init() {}
}
