package org.clr4j.djl.train;

import java.nio.file.Path;

/**
 * A checkpoint that cannot be resumed: missing, damaged, of another format, or ({@link Mismatch}) made for another
 * model, schedule, optimizer or data than the run that wants to continue it. The message names the file and, for a
 * mismatch, the difference.
 */
public class CheckpointException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final Path file;

  public CheckpointException(Path file, String message) {
    super(message);
    this.file = file;
  }

  /** The checkpoint file. */
  public Path file() {
    return file;
  }

  /** The checkpoint belongs to another run: {@link #key()} differs ({@link #saved()} there, {@link #wanted()} here). */
  public static final class Mismatch extends CheckpointException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String saved;
    private final String wanted;

    public Mismatch(Path file, String key, String saved, String wanted) {
      super(file, "checkpoint " + file + " was made with " + key + "=" + saved + ", but this run has " + key + "="
          + wanted);
      this.key = key;
      this.saved = saved;
      this.wanted = wanted;
    }

    public String key() {
      return key;
    }

    public String saved() {
      return saved;
    }

    public String wanted() {
      return wanted;
    }
  }
}
