package org.clr4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.clr4j.data.DataSources;
import org.clr4j.data.Dataset;
import org.clr4j.djl.Batches;
import org.clr4j.djl.optim.ScheduledSgd;
import org.clr4j.djl.optim.UpdatePath;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.schedule.Schedule;

/**
 * Where a training step's time goes, phase by phase (batch, forward, loss, backward, update, free), and how many
 * native operators each phase runs: the Java side of clr4j-bench/scripts/step-phases.sh, whose Python side
 * (clr4j-bench/python/step_phases.py) does the same for PyTorch.
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp clr4j-bench/target/benchmarks.jar org.clr4j.bench.StepPhases \
 *       mlp|cnn STEPS DATA VARIANT [TRACE_DIR]
 * </pre>
 *
 * <p>VARIANT is {@code clr4j} (clr4j's scheduled SGD on 1cycle, momentum cycled, weight decay 5e-4, the fused
 * update: what {@code clr4j train} runs), {@code clr4j-reference} (the same with the bitwise reference update) or
 * {@code djl} (a plain DJL loop with DJL's built-in SGD at a fixed rate, momentum 0.9, weight decay 5e-4, its
 * update through {@code trainer.step()}: the same libtorch without clr4j). Each step is timed phase by phase after
 * 40 warm-up steps; with TRACE_DIR, one more step runs under libtorch's profiler, one trace per phase
 * ({@code PHASE.json}), which count_ops.py counts. {@code -DupdateThreads=N} runs the update phase on N libtorch
 * threads (the others on the cores'), an experiment docs/BENCHMARKS.md reports.
 */
public final class StepPhases {
  static final String[] PHASES = {"batch", "forward", "loss", "backward", "update", "free"};

  private static final int UPDATE_THREADS = Integer.getInteger("updateThreads", 0);
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  private StepPhases() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: StepPhases mlp|cnn STEPS DATA clr4j|clr4j-reference|djl [TRACE_DIR]");
      System.exit(2);
    }
    String modelName = args[0];
    int steps = Integer.parseInt(args[1]);
    Dataset train = DataSources.parse(args[2]).train();
    String variant = args[3];
    Path traces = args.length > 4 ? Path.of(args[4]) : null;
    int batchSize = StepProbe.BATCH;
    Optimizer optimizer;
    boolean clr4j = !variant.equals("djl");
    if (clr4j) {
      // OptimizerConfig.defaults(SGD): momentum 0.9 (cycled by 1cycle), weight decay 5e-4
      optimizer = ScheduledSgd.builder().schedule(Schedule.parse("onecycle(max=0.1, total=100000)")).momentum(0.9)
          .optWeightDecays(5e-4f)
          .optUpdatePath(variant.equals("clr4j-reference") ? UpdatePath.REFERENCE : UpdatePath.FUSED).build();
    } else if (variant.equals("djl")) {
      optimizer = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f)
          .optWeightDecays(5e-4f).build();
    } else {
      throw new IllegalArgumentException("variant (" + variant + ") must be clr4j, clr4j-reference or djl");
    }
    Optimizer direct = clr4j ? optimizer : null; // clr4j's update (Batches.update) or DJL's trainer.step()
    int[] order = new EpochOrder(train.size(), StepProbe.SEED).order(0);
    int batches = train.size() / batchSize;
    try (StepSession session = StepSession.create(modelName, train, batchSize, optimizer, StepProbe.SEED)) {
      long[] nanos = new long[PHASES.length];
      for (int i = 0; i < StepProbe.WARM_UP + steps; i++) {
        if (i == StepProbe.WARM_UP) {
          java.util.Arrays.fill(nanos, 0);
        }
        step(session, order, (i % batches) * batchSize, batchSize, direct, nanos, null);
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s:", modelName, variant));
      long total = 0;
      for (int p = 0; p < PHASES.length; p++) {
        line.append(String.format(Locale.ROOT, " %s %.3f", PHASES[p], nanos[p] / 1e6 / steps));
        total += nanos[p];
      }
      line.append(String.format(Locale.ROOT, " total %.3f ms/step", total / 1e6 / steps));
      System.out.println(line);
      if (traces != null) {
        Files.createDirectories(traces);
        step(session, order, 0, batchSize, direct, new long[PHASES.length], traces);
      }
    }
  }

  /** One training step, each phase's time added to {@code nanos}; with {@code traces}, each phase profiled. */
  private static void step(StepSession session, int[] order, int from, int count, Optimizer direct,
      long[] nanos, Path traces) {
    Trainer trainer = session.trainer();
    Phases t = new Phases(nanos, traces);
    NDManager batchManager = trainer.getManager().newSubManager();
    t.start(0);
    Batch batch = session.batch(batchManager, order, from, count);
    t.end(0);
    try (GradientCollector collector = trainer.newGradientCollector()) {
      t.start(1);
      NDList out = trainer.forward(batch.getData(), batch.getLabels());
      t.end(1);
      t.start(2);
      NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), out);
      t.end(2);
      t.start(3);
      collector.backward(loss);
      loss.getFloat();
      t.end(3);
    }
    t.start(4);
    if (UPDATE_THREADS > 0) {
      JniUtils.setNumThreads(UPDATE_THREADS);
    }
    Batches.update(trainer, direct);
    if (UPDATE_THREADS > 0) {
      JniUtils.setNumThreads(THREADS);
    }
    t.end(4);
    t.start(5);
    batch.close();
    batchManager.close();
    t.end(5);
  }

  /** Times phases, and profiles each into its own trace when asked. */
  private static final class Phases {
    private final long[] nanos;
    private final Path traces;
    private long begin;

    Phases(long[] nanos, Path traces) {
      this.nanos = nanos;
      this.traces = traces;
    }

    void start(int phase) {
      if (traces != null) {
        JniUtils.startProfile(false, false, false);
      }
      begin = System.nanoTime();
    }

    void end(int phase) {
      nanos[phase] += System.nanoTime() - begin;
      if (traces != null) {
        JniUtils.stopProfile(traces.resolve(PHASES[phase] + ".json").toString());
      }
    }
  }
}
