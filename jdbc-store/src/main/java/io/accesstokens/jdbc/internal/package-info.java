/**
 * Implementation details of the JDBC store: the SQL of each dialect, the one place SQL errors are
 * translated, row mapping and the schema migrator. Public only so that the store can reach them; not
 * API, and may change in any release.
 */
@NullMarked
package io.accesstokens.jdbc.internal;

import org.jspecify.annotations.NullMarked;
