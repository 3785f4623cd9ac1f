package io.accesstokens.web;

import io.accesstokens.TokenQuery;
import io.accesstokens.TokenService;
import io.accesstokens.internal.Checks;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.web.internal.PageHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The Access Tokens page and its JSON REST API, as one servlet a host mounts under a path of its
 * choosing, for example {@code /access-tokens/*} (a path mapping; {@code /*} and {@code /} work
 * too):
 *
 * <ul>
 *   <li>{@code GET /access-tokens/}: the page (HTML, CSS and plain JavaScript from this jar; no
 *       inline script, so its strict Content-Security-Policy holds);
 *   <li>{@code /access-tokens/api/...}: the REST API the page calls, over the host's {@link
 *       TokenService}, described in {@code docs/web.md}.
 * </ul>
 *
 * <p>Every request is scoped to one organization that the host's {@link PageAccess} lets the
 * signed-in user administer; a token id of another organization is answered exactly like an unknown
 * one. Every change needs the page's anti-forgery token. Token values appear only in the answers of
 * create, rotate and copy, never in an address, a log line or the page's HTML (but for the new
 * value that Add Token or Rotate shows once).
 *
 * <p>Built with {@link #builder}; immutable and thread-safe.
 */
public final class AccessTokensServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Rows per page of the table, unless {@link Builder#pageSize} says otherwise. */
  public static final int DEFAULT_PAGE_SIZE = 25;

  private final transient PageHandler handler;

  private AccessTokensServlet(Builder builder) {
    this.handler =
        new PageHandler(
            builder.service, builder.environments, builder.access, builder.getPageSize());
  }

  /**
   * Starts a servlet over {@code service}.
   *
   * @param environments the directory {@code service} was built with; its {@link
   *     EnvironmentDirectory#environments listing} fills the page's Environment menu
   * @param access who the user is and which organizations they administer
   * @throws NullPointerException if any argument is null
   */
  public static Builder builder(
      TokenService service, EnvironmentDirectory environments, PageAccess access) {
    return new Builder(
        Checks.notNull(service, "token service"),
        Checks.notNull(environments, "environment directory"),
        Checks.notNull(access, "page access"));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handler.handle(request, response);
  }

  @Override
  public String toString() {
    return "AccessTokensServlet[" + handler + "]";
  }

  /**
   * Configures an {@link AccessTokensServlet}. Every setting may be set once and is checked when
   * set; a setting left unset takes its {@code DEFAULT_*} value when the servlet is built, and
   * {@link #build()} never writes to the builder. Not thread-safe.
   */
  public static final class Builder {
    private static final int UNSET_INT = -1;

    private final TokenService service;
    private final EnvironmentDirectory environments;
    private final PageAccess access;
    private int pageSize = UNSET_INT;

    private Builder(TokenService service, EnvironmentDirectory environments, PageAccess access) {
      this.service = service;
      this.environments = environments;
      this.access = access;
    }

    /**
     * Rows per page of the page's table; default {@value AccessTokensServlet#DEFAULT_PAGE_SIZE}.
     * API clients may ask for other sizes, 1 to {@value TokenQuery#MAX_PAGE_SIZE}.
     *
     * @throws IllegalArgumentException if {@code size} is not between 1 and {@value
     *     TokenQuery#MAX_PAGE_SIZE}
     * @throws IllegalStateException if already set
     */
    public Builder pageSize(int size) {
      Checks.state(pageSize == UNSET_INT, "page size already set");
      Checks.argument(
          size >= 1 && size <= TokenQuery.MAX_PAGE_SIZE,
          "page size must be between 1 and " + TokenQuery.MAX_PAGE_SIZE + ", but was " + size);
      this.pageSize = size;
      return this;
    }

    /** Builds the servlet. Reads the settings and never writes to this builder. */
    public AccessTokensServlet build() {
      return new AccessTokensServlet(this);
    }

    int getPageSize() {
      return pageSize == UNSET_INT ? DEFAULT_PAGE_SIZE : pageSize;
    }
  }
}
