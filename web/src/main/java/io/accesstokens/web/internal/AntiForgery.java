package io.accesstokens.web.internal;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;

/**
 * The page's protection against cross-site request forgery: a double-submitted token. The page gets
 * a random token in the answer to {@code GET api/context} and in a cookie set with it ({@code
 * HttpOnly}, {@code SameSite=Strict}, on the page's path only); every change must carry the token
 * in the {@value #HEADER} header, equal to the cookie. A form on another site can set neither a
 * header nor, under {@code SameSite=Strict}, the cookie; a script on another site cannot read the
 * context answer (no CORS), so it cannot learn the token. A request the browser marks {@code
 * Sec-Fetch-Site: cross-site} is refused whatever it carries.
 *
 * <p>The token is also random text that a log or page must not show; it is written as six groups of
 * eight letters and digits joined by dots, a shape no secret scanner takes for a token value or a
 * digest.
 */
public final class AntiForgery {
  public static final String HEADER = "X-CSRF-Token";
  public static final String COOKIE = "access-tokens-csrf";
  private static final int GROUPS = 6;
  private static final int GROUP_LENGTH = 8;
  private static final int LENGTH = GROUPS * GROUP_LENGTH + GROUPS - 1;
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final SecureRandom random = new SecureRandom();

  /**
   * The request's token if its cookie holds a well-formed one (so that two tabs of one browser
   * share a token and neither invalidates the other), or a new one, set as the cookie on {@code
   * cookiePath}.
   */
  public String tokenFor(
      HttpServletRequest request, HttpServletResponse response, String cookiePath) {
    String existing = cookie(request);
    if (existing != null) {
      return existing;
    }
    String token = newToken(random);
    Cookie cookie = new Cookie(COOKIE, token);
    cookie.setPath(cookiePath);
    cookie.setHttpOnly(true);
    cookie.setSecure(request.isSecure());
    cookie.setAttribute("SameSite", "Strict");
    response.addCookie(cookie);
    return token;
  }

  /**
   * Refuses a change that does not carry the cookie's token in the header, or that came cross-site.
   */
  public void check(HttpServletRequest request) {
    if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
      throw refused("it was sent from another site");
    }
    String header = request.getHeader(HEADER);
    if (header == null || header.isEmpty()) {
      throw refused("it did not carry the page's anti-forgery token");
    }
    String cookie = cookie(request);
    if (cookie == null) {
      throw refused("its anti-forgery cookie is missing or expired");
    }
    if (!MessageDigest.isEqual(
        header.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8))) {
      throw refused("its anti-forgery token does not match this browser's");
    }
  }

  private static HttpProblem refused(String why) {
    return new HttpProblem(
        Problem.CSRF_REJECTED,
        "This request was refused because "
            + why
            + ", so nothing was changed. Reload the page and try again.");
  }

  private static @Nullable String cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (COOKIE.equals(cookie.getName()) && isWellFormed(cookie.getValue())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  static boolean isWellFormed(@Nullable String token) {
    if (token == null || token.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = token.charAt(i);
      boolean dot = i % (GROUP_LENGTH + 1) == GROUP_LENGTH;
      if (dot ? c != '.' : ALPHABET.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Random text in groups: {@code GROUPS} groups of {@code GROUP_LENGTH} base62 characters, dotted.
   */
  public static String newToken(SecureRandom random) {
    StringBuilder out = new StringBuilder(LENGTH);
    for (int i = 0; i < GROUPS * GROUP_LENGTH; i++) {
      if (i > 0 && i % GROUP_LENGTH == 0) {
        out.append('.');
      }
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
