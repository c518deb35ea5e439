package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clr4j.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code clr4j schedule <spec> --steps N}: the learning rate and momentum of a schedule for every step, as CSV, and
 * optionally as a chart. Numbers are printed in full ({@link Double#toString(double)}), so that each parses back to
 * exactly the value the schedule computed.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    versionProvider = Clr4j.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Print a schedule's learning rate and momentum for steps 0..N-1 as CSV 'step,lr,momentum' on standard "
            + "output (momentum is empty where the schedule sets none), and optionally plot it.",
        "Step 0 is the first training step. Numbers are printed in full precision and parse back exactly.",
        ""},
    footer = {
        "",
        "Spec grammar: name(key=value, ...), values are numbers, words, LOW:HIGH",
        "pairs or nested specs; [ ] marks optional keys, with defaults:",
        "  triangular(base=, max=, up= [,down=up] [,momentum=LOW:HIGH] [,decay=1])",
        "  triangular2(...same keys...)   exp_range(...same keys..., gamma=)",
        "  onecycle(max=, total= [,pct=0.3] [,div=25] [,final_div=1e4]",
        "           [,anneal=cos|linear] [,phases=2|3] [,momentum=0.85:0.95|none])",
        "  constant(lr=)   step(lr=, every=, gamma=)   exponential(lr=, gamma=)",
        "  cosine(lr=, total= [,min=0])   cosine_restarts(lr=, first= [,mult=1] [,min=0])",
        "  warmup(steps=, then=<spec> [,start=0])",
        "  sequence(first=<spec>, at=, then=<spec>)",
        "The full grammar and every rule: docs/SPEC.md.",
        "",
        "Examples:",
        "  clr4j schedule 'triangular(base=0.001, max=0.006, up=2000)' --steps 8000",
        "  clr4j schedule 'onecycle(max=0.1, total=1000)' --plot 1cycle.png --no-csv",
        "  clr4j schedule 'triangular2(base=1e-4, max=1e-2, up=500, momentum=0.8:0.9)' \\",
        "      --steps 4000 --plot tri2.svg > tri2.csv",
        "  clr4j schedule 'warmup(steps=500, then=cosine(lr=0.1, total=9500))' \\",
        "      --steps 1e4 --plot warmup.png --log-y",
        "",
        Clr4j.EXIT_CODES})
public final class ScheduleCommand implements Callable<Integer> {
  /**
   * Most steps printed or plotted: a billion takes a while already; more (--steps 9223372036854775807) would run
   * for centuries.
   */
  static final long MAX_STEPS = 1_000_000_000L;

  /** The CSV is written in chunks of about this many characters. */
  private static final int CHUNK_CHARS = 1 << 16;

  /** {@code total=} of a canonical onecycle spec, which is what {@link Schedule#toString()} returns. */
  private static final Pattern ONECYCLE_TOTAL = Pattern.compile("^onecycle\\(.*?\\btotal=(\\d+)\\b");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<spec>",
      description = "The schedule, e.g. 'onecycle(max=0.1, total=1000)'. Quote it for the shell.")
  String specText;

  @Option(names = {"-n", "--steps"}, paramLabel = "N", converter = StepCount.class,
      description = "Number of steps, >= 1 (e.g. 5000 or 1e6). Required, except for a onecycle spec, where it "
          + "defaults to the spec's total.")
  Long steps;

  @Option(names = "--plot", paramLabel = "FILE",
      description = "Also draw lr (left axis) and momentum (right axis) against step into FILE; its extension, "
          + ".png or .svg, picks the format. Long schedules are thinned to at most about "
          + SchedulePlot.MAX_POINTS + " points per line, keeping each stretch's lowest and highest value.")
  Path plot;

  @Option(names = "--log-y", description = "Plot the y axes on a logarithmic scale (needs --plot).")
  boolean logY;

  @Option(names = "--no-csv", description = "Do not print the CSV (useful with --plot).")
  boolean noCsv;

  @Override
  public Integer call() throws IOException {
    SchedulePlot.Format format = plot == null ? null : plotFormat(plot);
    if (plot != null) {
      Path dir = plot.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        throw usage("--plot: directory '" + dir + "' does not exist");
      }
      if (Files.isDirectory(plot)) {
        throw usage("--plot (" + plot + ") is a directory; give a file, e.g. " + plot.resolve("schedule.png"));
      }
      // Found now, not after computing every step.
      Outputs.requireWritable("--plot", plot);
    } else if (logY) {
      throw usage("--log-y only applies to a chart; add --plot FILE.png or --plot FILE.svg");
    } else if (noCsv) {
      throw usage("--no-csv without --plot leaves nothing to do; add --plot FILE.png or --plot FILE.svg");
    }

    Schedule schedule = Schedule.parse(specText);
    long n = stepCount(schedule);
    boolean momentum = schedule.hasMomentum();
    SchedulePlot chart = plot == null ? null : new SchedulePlot(schedule.toString(), n, momentum);
    PrintWriter out = spec.commandLine().getOut();

    StringBuilder sb = new StringBuilder(CHUNK_CHARS + 128);
    if (!noCsv) {
      sb.append("step,lr,momentum\n");
    }
    for (long step = 0; step < n; step++) {
      double lr = schedule.valueAt(step);
      double m = momentum ? schedule.momentumAt(step) : Double.NaN;
      if (chart != null) {
        chart.add(step, lr, m);
      }
      if (!noCsv) {
        sb.append(step).append(',').append(lr).append(',');
        if (!Double.isNaN(m)) {
          sb.append(m);
        }
        sb.append('\n');
        if (sb.length() >= CHUNK_CHARS) {
          out.append(sb);
          sb.setLength(0);
          if (out.checkError() && chart == null) {
            return 0; // the reader went away (e.g. `| head`): stop quietly, as Unix tools do
          }
        }
      }
    }
    out.append(sb);
    out.flush();
    if (chart != null) {
      chart.write(plot, format, logY);
    }
    return 0;
  }

  private long stepCount(Schedule schedule) {
    if (steps != null) {
      if (steps < 1) {
        throw usage("--steps (" + steps + ") must be >= 1");
      }
      if (steps > MAX_STEPS) {
        throw usage("--steps (" + steps + ") must be <= " + MAX_STEPS + " (1e9)");
      }
      return steps;
    }
    Matcher m = ONECYCLE_TOTAL.matcher(schedule.toString());
    if (m.find()) {
      long total;
      try {
        total = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        total = Long.MAX_VALUE;
      }
      if (total > MAX_STEPS) {
        throw usage("the spec's total (" + m.group(1) + ") is more than " + MAX_STEPS + " steps (1e9); "
            + "give a smaller --steps");
      }
      return total;
    }
    throw usage("--steps N is required for this schedule (only a onecycle spec has a natural length)");
  }

  private SchedulePlot.Format plotFormat(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return SchedulePlot.Format.PNG;
    }
    if (name.endsWith(".svg")) {
      return SchedulePlot.Format.SVG;
    }
    throw usage("--plot: '" + file + "' must end in .png or .svg");
  }

  /** A whole number of steps, also written like 1e6. */
  static final class StepCount implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        // Fall through to the scientific notation below.
      }
      double v;
      try {
        v = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a whole number");
      }
      if (v != Math.rint(v) || Math.abs(v) > 1e18) {
        throw new TypeConversionException("'" + text + "' is not a whole number");
      }
      return (long) v;
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
