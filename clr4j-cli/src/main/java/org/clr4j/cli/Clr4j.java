package org.clr4j.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code clr4j} command: the entry point and the one place where subcommands are registered and errors are
 * turned into messages and exit codes.
 *
 * <p>Exit codes, the same for every command (README, "Exit codes", and {@code --help}):
 * <ul>
 *   <li>0 done;
 *   <li>1 the run failed: training diverged, a file could not be written while running (disk full), or a bug
 *       ({@code internal error});
 *   <li>2 bad input, refused before any work: a bad option or spec, unusable data, a path that cannot be used, a
 *       run directory in use by another run or holding an earlier run's results;
 *   <li>130 (Ctrl-C) or 143 (SIGTERM): interrupted, with the checkpoint saved (during a range test or the
 *       weight-decay search, before anything is saved, a line says so).
 * </ul>
 * Every error is one line {@code clr4j: <message>} on standard error, in the user's terms (option names, paths):
 * never a Java class name or stack trace, unless {@code CLR4J_DEBUG=1}.
 */
@Command(
    name = "clr4j",
    mixinStandardHelpOptions = true,
    versionProvider = Clr4j.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Cyclical learning rates (Smith 2017), the learning-rate range test and 1cycle super-convergence for Java.",
        "",
        "Schedules are written as text specs such as 'triangular(base=0.001, max=0.006, up=2000)' or "
            + "'onecycle(max=0.1, total=1000)'; see 'clr4j schedule --help' and docs/SPEC.md.",
        ""},
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'clr4j <command> --help' for a command's options.", "", Clr4j.EXIT_CODES},
    // Register every subcommand here, and only here. Each is a class of its own in org.clr4j.cli.
    subcommands = {
        ScheduleCommand.class,
        FindCommand.class,
        TrainCommand.class,
        DemoCommand.class,
        BenchCommand.class,
    })
public final class Clr4j implements Runnable {
  /** The exit-code contract, as every command's --help states it. */
  static final String EXIT_CODES = "Exit codes: 0 done; 1 the run failed (training diverged, a write failed while "
      + "running, an internal error); 2 bad input, refused before any work (an option, spec, data file or path that "
      + "cannot be used, or a run directory in use or holding an earlier run); 130 or 143 interrupted (Ctrl-C, "
      + "SIGTERM) with the checkpoint saved, or before anything was saved, as a line says. Errors are one line on "
      + "standard error; CLR4J_DEBUG=1 adds stack traces.";

  /** Exit code of a usage error: a bad option or argument, or an {@link IllegalArgumentException}. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of a run that failed: diverged, a write that failed while running, or an unexpected failure. */
  public static final int EXIT_INTERNAL = 1;
  /** Exit code of a run interrupted by Ctrl-C (128 + SIGINT), its checkpoint saved; SIGTERM exits with 143. */
  public static final int EXIT_INTERRUPTED = 130;

  /** Run when {@link #execute} ends, after the output is flushed: e.g. to let a waiting shutdown hook go. */
  final java.util.List<Runnable> whenDone = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Spec CommandSpec spec;

  /** {@code clr4j} without a subcommand is a usage error that lists the subcommands. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "missing a command; one of: " + String.join(", ", spec.subcommands().keySet()));
  }

  public static void main(String... args) {
    // Not System.out: a PrintStream swallows write errors, so a closed pipe (`| head`) would go unnoticed and a long
    // schedule would be computed to the end; a plain stream lets checkError() see it.
    PrintWriter out = new PrintWriter(new BufferedWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs {@code clr4j args...} in-process, writing normal output to {@code out} and messages to {@code err};
   * returns the exit code. Both writers are flushed before it returns.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return execute(commandLine(), out, err, args);
  }

  /** Runs {@code cmd}, which {@link #commandLine()} made (perhaps with a test's subcommand added). */
  static int execute(CommandLine cmd, PrintWriter out, PrintWriter err, String... args) {
    // Charts are drawn off-screen; never try to reach a display.
    System.setProperty("java.awt.headless", "true");
    // PNGs are encoded in memory: ImageIO's file cache writes temporary files outside --out and registers a
    // shutdown hook on first use, which fails while a Ctrl-C'd run writes its charts during shutdown.
    javax.imageio.ImageIO.setUseCache(false);
    cmd.setOut(out);
    cmd.setErr(err);
    try {
      return cmd.execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // picocli hands only Exceptions to the handler; these still deserve one line and no stack trace.
      print(err, "internal error: " + (e instanceof StackOverflowError ? "stack overflow" : "out of memory")
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
      if (debug()) {
        e.printStackTrace(err);
      }
      return EXIT_INTERNAL;
    } finally {
      out.flush();
      err.flush();
      if (cmd.getCommand() instanceof Clr4j root) {
        root.whenDone.forEach(Runnable::run);
        root.whenDone.clear();
      }
    }
  }

  /** The command tree with its error handlers; handlers set here apply to every subcommand. */
  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Clr4j());
    cmd.setParameterExceptionHandler(new ParameterErrors());
    cmd.setExecutionExceptionHandler(new ExecutionErrors());
    cmd.setUsageHelpLongOptionsMaxWidth(30);
    return cmd;
  }

  /** Bad options or arguments, found by picocli or thrown by a command: one line, with a pointer to the help. */
  private static final class ParameterErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      String where = cmd.getCommandSpec().qualifiedName();
      print(cmd.getErr(), ex.getMessage() + " (see '" + where + " --help')");
      if (debug()) {
        ex.printStackTrace(cmd.getErr());
      }
      return EXIT_USAGE;
    }
  }

  /** Exceptions thrown by a command's code. */
  private static final class ExecutionErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      int code;
      if (ex instanceof IllegalArgumentException) {
        print(err, ex.getMessage());
        code = EXIT_USAGE;
      } else if (ex instanceof org.clr4j.djl.train.TrainingDivergedException) {
        // The rate was too high: a result the user acts on, not a bug of ours.
        print(err, ex.getMessage());
        code = EXIT_INTERNAL;
      } else if (ex instanceof RunFailed) {
        print(err, ex.getMessage());
        code = EXIT_INTERNAL;
      } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
        // A file that cannot be read or written is the environment's fault, not ours: no "internal error", and the
        // message names the file instead of the exception's class.
        IOException cause = ex instanceof UncheckedIOException u ? u.getCause() : (IOException) ex;
        String outer = ex instanceof UncheckedIOException ? ex.getMessage() : null;
        if (outer == null || outer.equals(String.valueOf(cause))) {
          print(err, IoErrors.describe(cause));
        } else if (cause.getMessage() != null && outer.contains(cause.getMessage())) {
          print(err, outer); // the wrapper already says it (e.g. "checkpoint in DIR: No space left on device")
        } else {
          print(err, outer + ": " + IoErrors.describe(cause));
        }
        code = EXIT_INTERNAL;
      } else {
        print(err, "internal error: " + describe(ex) + (debug() ? "" : " (CLR4J_DEBUG=1 shows where)"));
        code = EXIT_INTERNAL;
      }
      if (debug()) {
        ex.printStackTrace(err);
      }
      err.flush();
      return code;
    }
  }

  /** What went wrong, without the exception's class name (CLR4J_DEBUG=1 prints the whole trace). */
  private static String describe(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      // A message-less exception says something only through its kind: name it in words.
      return t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
          .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
    return m;
  }

  /** Exactly one line, whatever the message holds; a huge value quoted in it is cut to its start. */
  private static void print(PrintWriter err, String message) {
    String line = message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    line = LONG_TOKEN.matcher(line).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
        m.group().substring(0, 60) + "…(" + m.group().length() + " characters)"));
    err.println("clr4j: " + line);
    err.flush();
  }

  private static final java.util.regex.Pattern LONG_TOKEN = java.util.regex.Pattern.compile("\\S{121,}");

  private static boolean debug() {
    return "1".equals(System.getenv("CLR4J_DEBUG"));
  }

  /** The project version, written into version.properties by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"clr4j " + version(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    static String version() {
      try (InputStream in = Clr4j.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          String v = p.getProperty("version", "");
          if (!v.isEmpty() && !v.startsWith("${")) {
            return v;
          }
        }
      } catch (IOException e) {
        // Fall through to the manifest.
      }
      String v = Clr4j.class.getPackage().getImplementationVersion();
      return v != null ? v : "unknown";
    }
  }
}
