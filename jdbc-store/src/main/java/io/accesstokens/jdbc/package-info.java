/**
 * A {@link io.accesstokens.spi.TokenStore} on a relational database through a host-supplied {@link
 * javax.sql.DataSource}: {@link io.accesstokens.jdbc.JdbcTokenStore}, built with {@link
 * io.accesstokens.jdbc.JdbcTokenStore#builder(javax.sql.DataSource)}, for the dialects of {@link
 * io.accesstokens.jdbc.JdbcDialect}.
 */
@NullMarked
package io.accesstokens.jdbc;

import org.jspecify.annotations.NullMarked;
