/**
 * Implementation details of the JDBC store: the statements ({@link
 * io.accesstokens.jdbc.internal.Sql}) and one {@link io.accesstokens.jdbc.internal.Dialect} per
 * database, the one way to the database ({@link io.accesstokens.jdbc.internal.JdbcAccess}:
 * connections, bounds, transactions, cleanup), the one place SQL errors are translated, row mapping
 * and the schema migrator. Public only so that the store can reach them; not API, and may change in
 * any release.
 */
@NullMarked
package io.accesstokens.jdbc.internal;

import org.jspecify.annotations.NullMarked;
