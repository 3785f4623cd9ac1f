package io.accesstokens.web.internal;

/**
 * An answer other than success, thrown inside a request's handling and written by the servlet as
 * {@code {"code": ..., "message": ...}}. Never leaves the servlet. Its message is shown to the user
 * as it is, so it must never quote input that may hold a secret (see {@link
 * io.accesstokens.internal.Redaction}).
 */
public final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Problem problem;

  public HttpProblem(Problem problem, String message) {
    super(message, null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
