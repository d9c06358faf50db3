internal import CPostgreSQL

extension Connection {
    /// Runs `statements` in libpq's pipeline mode (PostgreSQL 14+): sends them without waiting
    /// for each answer, so the whole batch costs about one round trip per ``pipelineChunk``
    /// statements instead of one each.
    ///
    /// The batch ends with one Sync, so outside an explicit transaction it runs as one implicit
    /// transaction: all of it commits or none. Inside ``transaction(_:readOnly:_:)`` it is part of
    /// that transaction. When a statement fails, the later ones are not run; the first error is
    /// thrown after the pipeline is drained and left, so the connection stays usable.
    ///
    /// Results are read after each chunk (with a flush request) rather than after the whole
    /// batch, which bounds what waits in the socket buffers: a blocking-mode pipeline that sent
    /// everything first could deadlock, both sides waiting to write. Meant for writes and small
    /// results.
    ///
    /// Deferred statements (a transaction's BEGIN, ``executeDeferred(_:_:)``) go first, in the
    /// same pipeline.
    ///
    /// - Returns: one result per statement, in order.
    public func pipeline(_ statements: [(sql: String, parameters: [PostgreSQLValue])]) throws(PostgreSQLError)
        -> [QueryResult]
    {
        _ = try conn()
        guard !statements.isEmpty else { return [] }
        return try runAfterDeferred(statements.map { .text($0.sql, $0.parameters) })
    }

    /// Runs `statements` as cached prepared statements (``executeCached(_:_:)``) in one pipeline,
    /// after whatever is queued (``executeDeferred(_:_:)``): one round trip for all of them once
    /// they are prepared. Meant for reads whose answers do not depend on each other. Errors as
    /// ``pipeline(_:)``.
    ///
    /// - Returns: one result per statement, in order.
    public func pipelineCached(_ statements: [(sql: String, parameters: [PostgreSQLValue])]) throws(PostgreSQLError)
        -> [QueryResult]
    {
        _ = try conn()
        guard !statements.isEmpty else { return [] }
        var items: [PipelineItem] = []
        items.reserveCapacity(statements.count)
        for (sql, parameters) in statements {
            items.append(.prepared(try cached(sql, parameterTypes: parameters.map(\.type)), parameters))
        }
        return try runAfterDeferred(items)
    }

    /// One statement of a pipeline: SQL text (an unnamed statement, parsed on each call) or a
    /// prepared statement.
    enum PipelineItem {
        case text(String, [PostgreSQLValue])
        case prepared(PreparedStatement, [PostgreSQLValue])

        var sql: String {
            switch self {
            case .text(let sql, _): sql
            case .prepared(let statement, _): statement.sql
            }
        }
    }

    /// Sends `items` in pipeline mode, ended by one Sync, and returns one result per item; throws
    /// the first statement's error after draining (the later statements are not run).
    func runPipeline(_ items: [PipelineItem]) throws(PostgreSQLError) -> [QueryResult] {
        let conn = try conn()
        guard !items.isEmpty else { return [] }
        guard PQenterPipelineMode(conn) == 1 else { throw connectionError(conn, sql: nil) }
        var results: [QueryResult] = []
        results.reserveCapacity(items.count)
        var firstError: PostgreSQLError?
        var start = 0
        while start < items.count {
            let end = min(start + Connection.pipelineChunk, items.count)
            roundTrips += 1
            for item in items[start..<end] {
                let sent: Int32
                switch item {
                case .text(let sql, let parameters):
                    let encoded = EncodedParameters(parameters)
                    sent = try encoded.withPointers { types, values, lengths, formats in
                        PQsendQueryParams(conn, sql, encoded.count, types, values, lengths, formats, 0)
                    }
                case .prepared(let statement, let parameters):
                    let encoded = EncodedParameters(parameters, declared: statement.parameterTypes)
                    sent = try encoded.withPointers { _, values, lengths, formats in
                        PQsendQueryPrepared(conn, statement.name, encoded.count, values, lengths, formats, 0)
                    }
                }
                if sent != 1 { try abandonPipeline(conn, connectionError(conn, sql: item.sql)) }
            }
            if end < items.count {
                guard PQsendFlushRequest(conn) == 1, PQflush(conn) == 0 else {
                    try abandonPipeline(conn, connectionError(conn, sql: nil))
                }
            } else {
                guard PQpipelineSync(conn) == 1 else { try abandonPipeline(conn, connectionError(conn, sql: nil)) }
            }
            for item in items[start..<end] {
                // One result per statement, then a NULL that ends it.
                guard let result = PQgetResult(conn) else {
                    try abandonPipeline(conn, connectionError(conn, sql: item.sql))
                }
                while let extra = PQgetResult(conn) { PQclear(extra) }
                do {
                    results.append(QueryResult(handle: try check(result, conn, sql: item.sql), sql: item.sql))
                } catch {
                    if firstError == nil { firstError = error }
                    if error.isConnectionError { try abandonPipeline(conn, error) }
                }
            }
            start = end
        }
        // The Sync's own result closes the pipeline.
        guard let sync = PQgetResult(conn), PQresultStatus(sync) == PGRES_PIPELINE_SYNC else {
            try abandonPipeline(conn, firstError ?? connectionError(conn, sql: nil))
        }
        PQclear(sync)
        guard PQexitPipelineMode(conn) == 1 else { throw connectionError(conn, sql: nil) }
        if let firstError { throw firstError }
        return results
    }

    /// How many statements ``pipeline(_:)`` sends before reading their results.
    public static let pipelineChunk = 64

    /// Throws `error` after trying to leave pipeline mode (which fails on a broken connection:
    /// it is unusable then anyway).
    private func abandonPipeline(_ conn: OpaquePointer, _ error: PostgreSQLError) throws(PostgreSQLError) -> Never {
        while let r = PQgetResult(conn) {
            let status = PQresultStatus(r)
            PQclear(r)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        _ = PQexitPipelineMode(conn)
        throw error
    }
}
