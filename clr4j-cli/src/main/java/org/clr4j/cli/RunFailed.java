package org.clr4j.cli;

/**
 * The run could not finish: a result the user acts on (exit code 1), such as a write that failed while running or a
 * range test whose chosen method cannot suggest bounds. Its message is the whole, one-line story.
 */
final class RunFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunFailed(String message) {
    super(message);
  }

  RunFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
