// The few calls of the system SQLite (Debian's libsqlite3) that Millet's own connection makes,
// under Millet's names and with SQLite's types hidden, so no SQLite header's structs meet another
// copy of them in Swift (SQLiteKit's driver brings its own).
#ifndef MILLET_SQLITE_H
#define MILLET_SQLITE_H

#include <stdint.h>

#define MILLET_SQLITE_OK 0
#define MILLET_SQLITE_ROW 100
#define MILLET_SQLITE_DONE 101
#define MILLET_SQLITE_INTEGER 1
#define MILLET_SQLITE_FLOAT 2
#define MILLET_SQLITE_TEXT 3
#define MILLET_SQLITE_BLOB 4
#define MILLET_SQLITE_NULL 5

/// Opens (creating) the database at `path`, serialized; `*db` is set even on failure, for the message.
int millet_sqlite_open(const char *path, void **db);
int millet_sqlite_close(void *db);
/// Non-zero when no transaction is open on the connection.
int millet_sqlite_get_autocommit(void *db);
const char *millet_sqlite_errmsg(void *db);
/// Prepares a statement meant to be kept and run many times.
int millet_sqlite_prepare(void *db, const char *sql, void **statement);
int millet_sqlite_finalize(void *statement);
int millet_sqlite_reset(void *statement);
int millet_sqlite_clear_bindings(void *statement);
int millet_sqlite_bind_int64(void *statement, int index, int64_t value);
int millet_sqlite_bind_double(void *statement, int index, double value);
/// Binds a copy of `length` bytes of UTF-8 text.
int millet_sqlite_bind_text(void *statement, int index, const char *text, uint64_t length);
/// Binds a copy of `length` bytes.
int millet_sqlite_bind_blob(void *statement, int index, const void *bytes, uint64_t length);
int millet_sqlite_bind_null(void *statement, int index);
int millet_sqlite_step(void *statement);
int millet_sqlite_column_count(void *statement);
const char *millet_sqlite_column_name(void *statement, int column);
int millet_sqlite_column_type(void *statement, int column);
int64_t millet_sqlite_column_int64(void *statement, int column);
double millet_sqlite_column_double(void *statement, int column);
const unsigned char *millet_sqlite_column_text(void *statement, int column);
const void *millet_sqlite_column_blob(void *statement, int column);
int millet_sqlite_column_bytes(void *statement, int column);

#endif
