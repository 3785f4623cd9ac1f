package io.accesstokens.web;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;
import io.accesstokens.web.internal.AntiForgery;
import io.accesstokens.web.internal.SecurityHeaders;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PageAccess} for one operator on their own machine, as a console's {@code serve} command
 * runs the page: whoever opens a one-time login link (printed where only the operator sees it, as
 * Jupyter does) is the operator, administrator of every organization the console hosts.
 *
 * <pre>{@code
 * LocalOperatorAccess access = LocalOperatorAccess.builder(Actor.of("operator"))
 *     .organizations(() -> console.organizations())
 *     .build();
 * context.addServlet(new ServletHolder(access.loginServlet("/")), "/login");
 * context.addServlet(new ServletHolder(AccessTokensServlet.builder(service, directory, access).build()), "/*");
 * System.out.println("Open " + access.newLoginLink(URI.create("http://127.0.0.1:8080/")));
 * }</pre>
 *
 * <p>A link signs in once: its key is exchanged for a session cookie ({@code HttpOnly}, {@code
 * SameSite=Strict}) and is then worthless, so a link left in a terminal's scrollback or a browser's
 * history opens nothing. Keys and sessions are kept as SHA-256 digests in memory only; they die
 * with the process. Immutable settings, thread-safe.
 */
public final class LocalOperatorAccess implements PageAccess {
  /** The cookie that carries a signed-in session. */
  public static final String SESSION_COOKIE = "access-tokens-session";

  /** The login servlet's parameter that carries a link's key. */
  public static final String KEY_PARAMETER = "key";

  private final Actor operator;
  private final Supplier<? extends List<OrganizationId>> organizations;
  private final SecureRandom random = new SecureRandom();
  private final Set<String> unusedKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();

  private LocalOperatorAccess(Builder builder) {
    this.operator = builder.operator;
    this.organizations = Checks.notNull(builder.organizations, "organizations");
  }

  /** Starts an access policy whose only user is {@code operator}. */
  public static Builder builder(Actor operator) {
    return new Builder(Checks.notNull(operator, "operator"));
  }

  /**
   * A new one-time login link: {@code login?key=...} resolved against {@code pageBase} (the address
   * the {@link #loginServlet} is mounted beside). Each call makes another key; each key signs in
   * once.
   */
  public URI newLoginLink(URI pageBase) {
    Checks.notNull(pageBase, "page base");
    String key = AntiForgery.newToken(random);
    unusedKeys.add(digest(key));
    return pageBase.resolve("login?" + KEY_PARAMETER + "=" + key);
  }

  /**
   * The servlet that exchanges a link's key for a session: mount it at {@code login} beside the
   * page. A valid, unused key sets the session cookie and redirects to {@code pagePath}; any other
   * request gets 403 and a short page saying that the link is not valid.
   */
  public HttpServlet loginServlet(String pagePath) {
    Checks.notNull(pagePath, "page path");
    Checks.argument(
        pagePath.startsWith("/"),
        "page path must start with /, but was " + Redaction.quote(pagePath, 80));
    return new LoginServlet(this, pagePath);
  }

  @Override
  public Optional<Actor> actor(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (SESSION_COOKIE.equals(cookie.getName())
            && sessions.contains(digest(cookie.getValue()))) {
          return Optional.of(operator);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public List<OrganizationId> organizations(Actor actor) {
    return actor.equals(operator) ? List.copyOf(organizations.get()) : List.of();
  }

  @Override
  public boolean isAdministrator(Actor actor, OrganizationId organization) {
    return actor.equals(operator);
  }

  /** Consumes {@code key}: true exactly once for a key this policy made. */
  private boolean consume(@Nullable String key) {
    return key != null && unusedKeys.remove(digest(key));
  }

  private String newSession() {
    String session = AntiForgery.newToken(random);
    sessions.add(digest(session));
    return session;
  }

  /**
   * Hex SHA-256: what the sets hold, so a lookup's timing says nothing about a key or a session.
   */
  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "LocalOperatorAccess[" + operator + "]";
  }

  /** Configures a {@link LocalOperatorAccess}. Not thread-safe. */
  public static final class Builder {
    private final Actor operator;
    private @Nullable Supplier<? extends List<OrganizationId>> organizations;

    private Builder(Actor operator) {
      this.operator = operator;
    }

    /**
     * Required: the organizations the operator administers, asked on every request (so
     * organizations the console adds while it serves appear on the next page load).
     *
     * @throws NullPointerException if {@code organizations} is null
     * @throws IllegalStateException if already set
     */
    public Builder organizations(Supplier<? extends List<OrganizationId>> organizations) {
      Checks.state(this.organizations == null, "organizations already set");
      this.organizations = Checks.notNull(organizations, "organizations");
      return this;
    }

    /**
     * @throws IllegalStateException if the organizations are not set
     */
    public LocalOperatorAccess build() {
      Checks.state(
          organizations != null,
          "organizations are required: which organizations the operator administers");
      return new LocalOperatorAccess(this);
    }
  }

  private static final class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient LocalOperatorAccess access;
    private final String pagePath;

    LoginServlet(LocalOperatorAccess access, String pagePath) {
      this.access = access;
      this.pagePath = pagePath;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      SecurityHeaders.apply(response);
      response.setHeader("Cache-Control", "no-store");
      String[] keys = request.getParameterValues(KEY_PARAMETER);
      boolean get = request.getMethod().equals("GET");
      if (get && keys != null && keys.length == 1 && access.consume(keys[0])) {
        Cookie cookie = new Cookie(SESSION_COOKIE, access.newSession());
        cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        cookie.setHttpOnly(true);
        cookie.setSecure(request.isSecure());
        cookie.setAttribute("SameSite", "Strict");
        response.addCookie(cookie);
        response.setStatus(303);
        response.setHeader("Location", request.getContextPath() + pagePath);
        return;
      }
      byte[] page =
          ("<!DOCTYPE html>\n"
               + "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access"
               + " Tokens</title></head><body><h1>Access Tokens</h1><p>This login link is not"
               + " valid, or was already used: each link signs in once. Ask the console for a new"
               + " one.</p></body></html>\n")
              .getBytes(StandardCharsets.UTF_8);
      response.setStatus(403);
      response.setContentType("text/html;charset=UTF-8");
      response.setContentLength(page.length);
      response.getOutputStream().write(page);
    }
  }
}
