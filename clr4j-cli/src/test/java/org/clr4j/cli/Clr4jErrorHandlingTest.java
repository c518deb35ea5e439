package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one place that turns exceptions into messages and exit codes, exercised through throwaway subcommands. */
class Clr4jErrorHandlingTest {

  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    private final Exception toThrow;

    Boom(Exception toThrow) {
      this.toThrow = toThrow;
    }

    @Override
    public Integer call() throws Exception {
      throw toThrow;
    }
  }

  private static String[] run(Exception toThrow, int expectedCode) {
    CommandLine cmd = Clr4j.commandLine();
    cmd.addSubcommand("boom", new Boom(toThrow));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Clr4j.execute(cmd, new PrintWriter(out), new PrintWriter(err), "boom");
    assertEquals(expectedCode, code, err.toString());
    assertEquals("", out.toString());
    return err.toString().lines().toArray(String[]::new);
  }

  @Test
  void illegalArgumentIsAUsageErrorOnOneLine() {
    String[] lines = run(new IllegalArgumentException("maxLr (-1) must be finite and > 0\nsecond line"), 2);
    assertEquals(1, lines.length);
    assertEquals("clr4j: maxLr (-1) must be finite and > 0 second line", lines[0]);
  }

  @Test
  void unexpectedExceptionIsAnInternalErrorWithoutStackTrace() {
    String[] lines = run(new IllegalStateException("oops"), 1);
    if (!"1".equals(System.getenv("CLR4J_DEBUG"))) {
      assertEquals(1, lines.length, String.join("\n", lines));
    }
    assertEquals("clr4j: internal error: oops" + (lines.length > 1 ? "" : " (CLR4J_DEBUG=1 shows where)"), lines[0]);
    assertFalse(lines[0].contains("at org."));
  }

  @Test
  void fileSystemErrorsNameThePathInWordsWithoutAClassName() {
    // Issue 11, item 11: "I/O error: java.nio.file.NoSuchFileException: /proc/x".
    assertEquals("clr4j: /proc/x: no such file or directory",
        run(new java.nio.file.NoSuchFileException("/proc/x"), 1)[0]);
    assertEquals("clr4j: /out/run.json: already exists",
        run(new java.nio.file.FileAlreadyExistsException("/out/run.json"), 1)[0]);
    assertEquals("clr4j: /out/x: is a directory",
        run(new java.nio.file.FileSystemException("/out/x", null, "Is a directory"), 1)[0]);
    assertEquals("clr4j: checkpoint in /c: No space left on device", run(new java.io.UncheckedIOException(
        "checkpoint in /c: No space left on device", new java.io.IOException("No space left on device")), 1)[0]);
  }
}
