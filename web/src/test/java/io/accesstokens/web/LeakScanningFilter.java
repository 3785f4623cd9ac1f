package io.accesstokens.web;

import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sits in front of the page in every test server and reads every answer it sends, headers and body.
 * The answers of create, copy and rotate carry a token value on purpose: their values are recorded
 * in {@link IssuedSecrets}. Every other answer (the page's files, lists, errors, redirects) is
 * scanned for anything secret-shaped ({@link SecretLeakGuard#leak}) and for any piece of a value
 * issued in this JVM ({@link IssuedSecrets#pieceIn}); what is found is kept for the test to fail
 * on. Where a test says so (the browser tests, whose requests the page makes), every request's
 * address is scanned too.
 */
final class LeakScanningFilter implements Filter {
  private static final Pattern VALUE = Pattern.compile("atk_[0-9A-Za-z]{49}");

  private final boolean scanAddresses;
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final AtomicInteger scanned = new AtomicInteger();
  private final AtomicInteger valueAnswers = new AtomicInteger();

  LeakScanningFilter(boolean scanAddresses) {
    this.scanAddresses = scanAddresses;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) resp;
    if (scanAddresses) {
      String query = request.getQueryString();
      scan(
          request.getMethod() + " (its address)",
          request.getRequestURI() + (query == null ? "" : "?" + query));
    }
    Tee tee = new Tee(response);
    chain.doFilter(request, tee);
    String body = tee.body.toString(StandardCharsets.UTF_8);
    String what = request.getMethod() + " " + route(request.getRequestURI());
    if (carriesAValue(request) && response.getStatus() / 100 == 2) {
      Matcher value = VALUE.matcher(body);
      while (value.find()) {
        IssuedSecrets.record(value.group());
      }
      valueAnswers.incrementAndGet();
      scan(what + " (headers)", headers(response));
      return;
    }
    scanned.incrementAndGet();
    scan(what, headers(response) + "\n" + body);
  }

  /**
   * Create (POST .../tokens), copy (POST .../copy) and rotate (POST .../rotate): the three answers
   * that carry a value by design.
   */
  static boolean carriesAValue(HttpServletRequest request) {
    String uri = request.getRequestURI();
    return request.getMethod().equals("POST")
        && (uri.endsWith("/tokens") || uri.endsWith("/copy") || uri.endsWith("/rotate"));
  }

  private void scan(String what, String text) {
    String why = SecretLeakGuard.leak(text);
    if (why == null) {
      why = IssuedSecrets.pieceIn(text);
    }
    if (why != null) {
      leaks.add(what + " answered with " + why);
    }
  }

  private static String headers(HttpServletResponse response) {
    StringBuilder out = new StringBuilder();
    for (String name : response.getHeaderNames()) {
      for (String value : response.getHeaders(name)) {
        out.append(name).append(": ").append(value).append('\n');
      }
    }
    return out.toString();
  }

  /** The address without anything a test may have put into it: the route's shape only. */
  private static String route(String uri) {
    return uri.replaceAll("/tokens/[^/]+", "/tokens/{id}");
  }

  List<String> leaks() {
    return List.copyOf(leaks);
  }

  int scannedAnswers() {
    return scanned.get();
  }

  int valueAnswers() {
    return valueAnswers.get();
  }

  /** A response whose body is copied as it is written. */
  private static final class Tee extends HttpServletResponseWrapper {
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private ServletOutputStream stream;

    Tee(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (stream == null) {
        ServletOutputStream real = super.getOutputStream();
        stream =
            new ServletOutputStream() {
              @Override
              public void write(int b) throws IOException {
                body.write(b);
                real.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                body.write(b, off, len);
                real.write(b, off, len);
              }

              @Override
              public boolean isReady() {
                return real.isReady();
              }

              @Override
              public void setWriteListener(WriteListener listener) {
                real.setWriteListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
