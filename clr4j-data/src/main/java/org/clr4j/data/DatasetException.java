package org.clr4j.data;

/**
 * A dataset could not be loaded: a file is missing, truncated, corrupt or not the expected file, a download failed,
 * or a CSV file has a bad value. The message names the file (and, for CSV, the line) and says what was expected.
 * It is an {@link IllegalArgumentException} because, to a caller, the data argument it was given is unusable.
 */
public final class DatasetException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
