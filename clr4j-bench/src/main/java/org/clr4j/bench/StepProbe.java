package org.clr4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.clr4j.data.DataSources;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.schedule.Schedule;

/**
 * Steady-state time and page faults of a training step, for comparing settings that live outside the JVM
 * (allocator environment variables, {@code LD_PRELOAD}) run by run: 40 warm-up steps, then {@code STEPS} timed
 * steps of clr4j's scheduled SGD on 1cycle, batch 128; prints one line. Evaluation, data loading and the JVM's
 * start are left out, which is what whole-epoch figures include.
 *
 * <pre>
 *   java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *       -cp clr4j-bench/target/benchmarks.jar org.clr4j.bench.StepProbe cnn 150 [fashion-mnist]
 * </pre>
 *
 * <p>Page faults come from {@code /proc/self/stat} (minor faults, field 10); -1 where that file does not exist.
 */
public final class StepProbe {
  static final int WARM_UP = 40;
  static final int BATCH = 128;
  static final long SEED = 42;

  private StepProbe() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: StepProbe mlp|cnn STEPS [DATA]   (DATA: fashion-mnist, the default, or "
          + "fashion-mnist-small)");
      System.exit(2);
    }
    String model = args[0];
    int steps;
    try {
      steps = Integer.parseInt(args[1]);
    } catch (NumberFormatException e) {
      steps = 0;
    }
    if (steps < 1) {
      System.err.println("StepProbe: STEPS (" + args[1] + ") must be a whole number >= 1");
      System.exit(2);
    }
    Dataset train = DataSources.parse(args.length > 2 ? args[2] : "fashion-mnist").train();
    int[] order = new EpochOrder(train.size(), SEED).order(0);
    int batches = train.size() / BATCH;
    var optimizer = OptimizerConfig.defaults(OptimizerKind.SGD)
        .create(Schedule.parse("onecycle(max=0.1, total=100000)"), 0);
    try (StepSession session = StepSession.create(model, train, BATCH, optimizer, SEED)) {
      for (int i = 0; i < WARM_UP; i++) {
        session.trainStep(order, (i % batches) * BATCH, BATCH);
      }
      long faults = minorFaults();
      long start = System.nanoTime();
      for (int i = WARM_UP; i < WARM_UP + steps; i++) {
        session.trainStep(order, (i % batches) * BATCH, BATCH);
      }
      double ms = (System.nanoTime() - start) / 1e6 / steps;
      long after = minorFaults();
      System.out.printf(Locale.ROOT, "%s: %.2f ms/step, %.0f samples/s, %s page faults/step%n", model, ms,
          BATCH * 1000 / ms, faults < 0 || after < 0 ? "?" : Long.toString((after - faults) / steps));
    }
  }

  /** Minor page faults of this process so far, or -1 where /proc is missing. */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (which may contain spaces) start at the state, field 3.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[10 - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
