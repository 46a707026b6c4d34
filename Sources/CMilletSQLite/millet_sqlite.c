#include <sqlite3.h>
#include "millet_sqlite.h"

_Static_assert(MILLET_SQLITE_OK == SQLITE_OK && MILLET_SQLITE_ROW == SQLITE_ROW && MILLET_SQLITE_DONE == SQLITE_DONE, "result codes");
_Static_assert(MILLET_SQLITE_INTEGER == SQLITE_INTEGER && MILLET_SQLITE_FLOAT == SQLITE_FLOAT && MILLET_SQLITE_TEXT == SQLITE_TEXT
               && MILLET_SQLITE_BLOB == SQLITE_BLOB && MILLET_SQLITE_NULL == SQLITE_NULL, "column types");

int millet_sqlite_open(const char *path, void **db) {
    sqlite3 *handle = 0;
    int code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, 0);
    *db = handle;
    return code;
}

int millet_sqlite_close(void *db) { return sqlite3_close_v2((sqlite3 *)db); }
int millet_sqlite_get_autocommit(void *db) { return sqlite3_get_autocommit((sqlite3 *)db); }
const char *millet_sqlite_errmsg(void *db) { return sqlite3_errmsg((sqlite3 *)db); }

int millet_sqlite_prepare(void *db, const char *sql, void **statement) {
    sqlite3_stmt *prepared = 0;
    int code = sqlite3_prepare_v3((sqlite3 *)db, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, 0);
    *statement = prepared;
    return code;
}

int millet_sqlite_finalize(void *statement) { return sqlite3_finalize((sqlite3_stmt *)statement); }
int millet_sqlite_reset(void *statement) { return sqlite3_reset((sqlite3_stmt *)statement); }
int millet_sqlite_clear_bindings(void *statement) { return sqlite3_clear_bindings((sqlite3_stmt *)statement); }
int millet_sqlite_bind_int64(void *statement, int index, int64_t value) { return sqlite3_bind_int64((sqlite3_stmt *)statement, index, value); }
int millet_sqlite_bind_double(void *statement, int index, double value) { return sqlite3_bind_double((sqlite3_stmt *)statement, index, value); }

int millet_sqlite_bind_text(void *statement, int index, const char *text, uint64_t length) {
    return sqlite3_bind_text64((sqlite3_stmt *)statement, index, text, length, SQLITE_TRANSIENT, SQLITE_UTF8);
}

int millet_sqlite_bind_blob(void *statement, int index, const void *bytes, uint64_t length) {
    // A null pointer would bind NULL; an empty blob is a zero-length blob.
    return sqlite3_bind_blob64((sqlite3_stmt *)statement, index, bytes ? bytes : "", length, SQLITE_TRANSIENT);
}

int millet_sqlite_bind_null(void *statement, int index) { return sqlite3_bind_null((sqlite3_stmt *)statement, index); }
int millet_sqlite_step(void *statement) { return sqlite3_step((sqlite3_stmt *)statement); }
int millet_sqlite_column_count(void *statement) { return sqlite3_column_count((sqlite3_stmt *)statement); }
const char *millet_sqlite_column_name(void *statement, int column) { return sqlite3_column_name((sqlite3_stmt *)statement, column); }
int millet_sqlite_column_type(void *statement, int column) { return sqlite3_column_type((sqlite3_stmt *)statement, column); }
int64_t millet_sqlite_column_int64(void *statement, int column) { return sqlite3_column_int64((sqlite3_stmt *)statement, column); }
double millet_sqlite_column_double(void *statement, int column) { return sqlite3_column_double((sqlite3_stmt *)statement, column); }
const unsigned char *millet_sqlite_column_text(void *statement, int column) { return sqlite3_column_text((sqlite3_stmt *)statement, column); }
const void *millet_sqlite_column_blob(void *statement, int column) { return sqlite3_column_blob((sqlite3_stmt *)statement, column); }
int millet_sqlite_column_bytes(void *statement, int column) { return sqlite3_column_bytes((sqlite3_stmt *)statement, column); }
