package org.clr4j.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A command's output files, written whole or not at all. Each file is first written to a hidden temporary file
 * beside it; {@link #commit()} renames them into place in the order they were staged (so the run record, staged
 * last, appears last), and {@link #close()} deletes whatever was not committed. A failed write (disk full) thus
 * leaves neither a truncated file nor a temporary one, and the error names the file.
 */
final class Outputs implements AutoCloseable {
  /** Writes a file's content. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Wraps every stream the temporary files are written through; tests use it to simulate a full disk. */
  static volatile UnaryOperator<OutputStream> streams = UnaryOperator.identity();

  private final Path dir;
  private final Map<Path, Path> staged = new LinkedHashMap<>();

  Outputs(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code file} whole or not at all. */
  static void write(Path file, Content content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    try (Outputs o = new Outputs(parent)) {
      o.stage(file.getFileName().toString(), content);
      o.commit();
    }
  }

  /**
   * Fails (bad input, exit 2) unless a file can be created beside {@code file}: checked before the work that
   * produces it, not after. {@code option} names it in the message.
   */
  static void requireWritable(String option, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.deleteIfExists(Files.createTempFile(dir, ".clr4j-probe.", ".tmp"));
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " (" + file + "): cannot write in " + dir + ": "
          + IoErrors.reason(e));
    }
  }

  /** Writes {@code text} as UTF-8 to {@code file} whole or not at all. */
  static void writeString(Path file, CharSequence text) throws IOException {
    write(file, os -> os.write(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes {@code name}'s content into a temporary file; it takes the name on {@link #commit()}. */
  void stage(String name, Content content) throws IOException {
    Path target = dir.resolve(name);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + IoErrors.reason(e), e);
    }
    try {
      try (OutputStream os = new BufferedOutputStream(streams.apply(Files.newOutputStream(tmp)), 1 << 16)) {
        content.writeTo(os);
      }
      try {
        // Temporary files are created owner-only; outputs are ordinary files that others may read.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep its defaults.
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      if (e instanceof IOException io) {
        throw new IOException("cannot write " + target + ": " + IoErrors.reason(io), e);
      }
      throw e;
    }
    Path old = staged.put(target, tmp);
    if (old != null) {
      Files.deleteIfExists(old);
    }
  }

  /** Stages UTF-8 text written through a {@link Writer}. */
  void stageText(String name, TextContent content) throws IOException {
    stage(name, os -> {
      Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
      content.writeTo(w);
      w.flush();
    });
  }

  /** Writes text. */
  interface TextContent {
    void writeTo(Writer w) throws IOException;
  }

  /** Renames every staged file into place, in staging order. */
  void commit() throws IOException {
    List<Path> done = new ArrayList<>();
    for (Map.Entry<Path, Path> e : staged.entrySet()) {
      try {
        try {
          Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException ex) {
        throw new IOException("cannot write " + e.getKey() + ": " + IoErrors.reason(ex), ex);
      }
      done.add(e.getKey());
    }
    done.forEach(staged::remove);
  }

  /** Deletes the temporary files of anything not committed. */
  @Override
  public void close() {
    for (Path tmp : staged.values()) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Best effort: the error that brought us here is the one to report.
      }
    }
    staged.clear();
  }
}
