#ifndef CSQLITEWAL_H
#define CSQLITEWAL_H
#include <stdint.h>

/// Registers "unix-walbuffer" as SQLite's default VFS: the default (unix) VFS, except that writes
/// to a WAL file are gathered and reach the file as one write per commit instead of two per page
/// (each 24-byte frame header, then the page). See wal_buffer.c. Returns an SQLite result code;
/// idempotent.
int csqlite_walbuffer_register(void);

/// The file-control opcode (sqlite3_file_control on "main") that reports a database file's WAL
/// writes: its argument is an int64_t[2] that receives the writes the WAL file was given by SQLite
/// and the writes that reached the unix VFS, since the connection opened. SQLITE_NOTFOUND when the
/// connection does not use this VFS.
#define CSQLITE_WALBUFFER_FCNTL_COUNTS 0x57414c42
#endif
