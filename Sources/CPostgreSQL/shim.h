#ifndef CPOSTGRESQL_SHIM_H
#define CPOSTGRESQL_SHIM_H
/* libpq, PostgreSQL's C client library (Debian: libpq-dev; pkg-config libpq).
   Pipeline mode (PQenterPipelineMode, PQsendFlushRequest) needs libpq 14 or later. */
#include <libpq-fe.h>

#ifndef LIBPQ_HAS_PIPELINING
#error "libpq 14 or later is required (pipeline mode)"
#endif

/* The PG_DIAG_* error-field codes are character-literal macros, which Swift cannot import. */
static inline int cpostgresql_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cpostgresql_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int cpostgresql_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int cpostgresql_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }
static inline int cpostgresql_diag_constraint_name(void) { return PG_DIAG_CONSTRAINT_NAME; }

#endif
