package org.clr4j.djl.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.clr4j.Checks;
import org.clr4j.djl.Batches;
import org.clr4j.djl.LossStep;
import org.clr4j.djl.optim.ScheduleFreeOptimizer;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.schedule.Schedule;

/**
 * Trains any DJL model with a clr4j schedule: mini-batches in a seeded order per epoch, evaluation after each
 * epoch, an early stop at a target accuracy, and checkpoints that let a run continue at the exact step.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder(schedule).batchSize(64).epochs(5).build();
 * TrainingResult r = TrainingLoop.builder(model, Loss.softmaxCrossEntropyLoss(), config)
 *     .optInitialize(new Shape(1, 3, 32, 32)).build().run(trainSet, testSet, Resume.NO);
 * }</pre>
 *
 * <p><b>Order.</b> The loop chooses the samples of each step itself: epoch {@code e} visits {@code train} in the
 * permutation {@code EpochOrder(train.size(), seed).order(e)}, batches of {@code batchSize}, the last one smaller
 * (the dataset's own sampler is not used; its pipeline, batchifier and device are). So the data order is a pure
 * function of (seed, epoch), and a resumed run computes what the uninterrupted run would.
 *
 * <p><b>Checkpoints.</b> With a checkpoint directory, a checkpoint is written after every epoch and after the step
 * in progress when {@link #requestStop()} is called (e.g. from the application's signal handler: the library
 * registers none). It records what it belongs to (parameter names and shapes, schedule, optimizer, batch size,
 * epochs, seed, and {@link Builder#optIdentity} entries such as the data's fingerprint); resuming with any of them
 * different is refused with a {@link CheckpointException.Mismatch} naming the difference.
 *
 * <p><b>Devices.</b> With several devices each batch is split across them as DJL's {@code EasyTrain} does; one
 * batch is one step of the schedule.
 */
public final class TrainingLoop {

  /** Whether a run continues from a checkpoint. */
  public enum Resume {
    /** Start from the beginning (a checkpoint there is overwritten at the first epoch's end). */
    NO,
    /** Continue from the checkpoint if there is one, else start from the beginning. */
    IF_PRESENT,
    /** Continue from the checkpoint; fail with a {@link CheckpointException} if there is none. */
    REQUIRED
  }

  /** Follows a run, e.g. to draw a progress bar. Called on the training thread. */
  public interface Listener {
    /** After each step; {@code step} counts from 0 over the whole run. */
    default void onStep(long step, long totalSteps, double lr, double momentum, double loss) {}

    /** After each epoch's evaluation. */
    default void onEpoch(EpochResult result) {}

    /** After a checkpoint has been written. */
    default void onCheckpoint(Path file, long step) {}

    Listener NONE = new Listener() {};
  }

  private final Model model;
  private final Loss loss;
  private final TrainingConfig config;
  private final Device[] devices;
  private final LossStep step;
  private final Listener listener;
  private final Shape[] inputShapes;
  private final Map<String, String> identity;
  private final boolean prefetch;
  private volatile boolean stopRequested;

  private TrainingLoop(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.config = b.config;
    this.devices = b.devices;
    this.step = b.step;
    this.listener = b.listener;
    this.inputShapes = b.inputShapes;
    this.identity = b.identity;
    this.prefetch = b.prefetch;
  }

  /** A loop that trains {@code model} with {@code loss} as {@code config} says. */
  public static Builder builder(Model model, Loss loss, TrainingConfig config) {
    return new Builder(model, loss, config);
  }

  /** Asks the run to stop after the current step (and write a checkpoint when it has a directory). Thread-safe. */
  public void requestStop() {
    stopRequested = true;
  }

  /** The name of the checkpoint file in a checkpoint directory. */
  public static final String CHECKPOINT_FILE_NAME = Checkpoint.FILE_NAME;

  /** The checkpoint file in {@code dir}. */
  public static Path checkpointFile(Path dir) {
    return dir.resolve(CHECKPOINT_FILE_NAME);
  }

  /**
   * Trains on {@code train}, evaluating on {@code test} after every epoch (with the test dataset's own sampler and
   * batch size).
   *
   * @throws TrainingDivergedException when a training or test loss is not finite
   * @throws CheckpointException when a checkpoint cannot be resumed
   */
  public TrainingResult run(RandomAccessDataset train, Dataset test, Resume resume) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(resume, "resume");
    Path dir = config.checkpointDir();
    if (resume != Resume.NO && dir == null) {
      throw new IllegalArgumentException("resume (" + resume + ") needs a checkpoint directory in the config");
    }
    long size = train.size();
    if (size < 1 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("train.size() (" + size + ") must be in [1, " + Integer.MAX_VALUE + "]");
    }
    int n = (int) size;
    // A batch never exceeds the data: larger batch sizes train on the whole set each step.
    int batch = Math.min(config.batchSize(), n);
    int stepsPerEpoch = (n + batch - 1) / batch;
    long totalSteps = (long) stepsPerEpoch * config.epochs();
    Schedule schedule = config.schedule();
    ScheduledOptimizer optimizer = config.optimizer().create(schedule, 0);
    EpochOrder orders = new EpochOrder(n, config.seed());

    DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(loss).optOptimizer(optimizer);
    if (devices != null) {
      djlConfig.optDevices(devices);
    }
    if (inputShapes != null) {
      // Seeded before the trainer exists, so initialization is the same in every run with this seed.
      Engine.getEngine(model.getNDManager().getEngine().getEngineName()).setRandomSeed((int) config.seed());
    }
    // No DJL training listeners: their per-step metrics cost throughput; the loop keeps its own log.
    try (Trainer trainer = model.newTrainer(djlConfig); Prefetcher prefetcher = new Prefetcher(prefetch)) {
      if (inputShapes != null) {
        trainer.initialize(inputShapes);
      }
      Map<String, String> id = identity(batch);
      long stepNo = 0;
      StepLog log = new StepLog();
      List<EpochResult> epochs = new ArrayList<>();
      long resumedAt = -1;
      boolean present = dir != null && Files.exists(checkpointFile(dir));
      if (resume == Resume.REQUIRED && !present) {
        throw new CheckpointException(checkpointFile(dir), "no checkpoint to resume at " + checkpointFile(dir));
      }
      if (resume != Resume.NO && present) {
        Checkpoint.Restored restored = Checkpoint.read(dir, model, optimizer, id);
        stepNo = restored.step();
        log = restored.log();
        epochs.addAll(restored.epochs());
        optimizer.setStepOffset(stepNo - optimizer.updates());
        resumedAt = stepNo;
      }
      TrainingResult.Status status = TrainingResult.Status.COMPLETED;
      int targetEpoch = -1;
      double targetSeconds = Double.NaN;
      for (EpochResult e : epochs) {
        if (targetEpoch < 0 && reached(e)) {
          targetEpoch = e.epoch();
          targetSeconds = e.trainSeconds();
          status = TrainingResult.Status.TARGET_REACHED;
        }
      }
      while (stepNo < totalSteps && targetEpoch < 0) {
        int epoch = (int) (stepNo / stepsPerEpoch);
        int firstInEpoch = (int) (stepNo % stepsPerEpoch);
        Iterator<Batch> batches = batches(trainer, train, orders.order(epoch), firstInEpoch, batch,
            prefetcher.executor);
        boolean stop = false;
        for (int inEpoch = firstInEpoch; inEpoch < stepsPerEpoch; inEpoch++) {
          double lr = schedule.valueAt(stepNo);
          double momentum = schedule.momentumAt(stepNo);
          long t0 = System.nanoTime();
          double lossValue;
          int count;
          try (Batch b = next(batches)) {
            count = b.getSize();
            lossValue = Batches.trainStep(trainer, b, step, optimizer);
          }
          float seconds = (System.nanoTime() - t0) / 1e9f;
          log.add(lr, momentum, (float) lossValue, seconds, count);
          stepNo++;
          listener.onStep(stepNo - 1, totalSteps, lr, momentum, lossValue);
          if (!Double.isFinite(lossValue)) {
            throw new TrainingDivergedException("training diverged: loss " + lossValue + " at step " + (stepNo - 1)
                + " (lr " + lr + "); lower the maximum learning rate", stepNo - 1, lr);
          }
          if (inEpoch == stepsPerEpoch - 1) {
            EpochResult result = evaluateAtX(optimizer, trainer, test, epoch, stepNo, log, stepsPerEpoch,
                () -> batches(trainer, train, orders.order(epoch), 0, batch, null));
            epochs.add(result);
            listener.onEpoch(result);
            if (!Double.isFinite(result.testLoss())) {
              throw new TrainingDivergedException("training diverged: test loss " + result.testLoss()
                  + " after epoch " + result.epoch() + " (lr " + lr + "); lower the maximum learning rate",
                  stepNo - 1, lr);
            }
            if (reached(result)) {
              targetEpoch = epoch + 1;
              targetSeconds = result.trainSeconds();
              status = TrainingResult.Status.TARGET_REACHED;
            }
            if (dir != null) {
              Checkpoint.write(dir, model, optimizer, id, stepNo, log, epochs);
              listener.onCheckpoint(checkpointFile(dir), stepNo);
            }
          }
          if (stopRequested && stepNo < totalSteps && targetEpoch < 0) {
            if (dir != null && inEpoch != stepsPerEpoch - 1) {
              Checkpoint.write(dir, model, optimizer, id, stepNo, log, epochs);
              listener.onCheckpoint(checkpointFile(dir), stepNo);
            }
            status = TrainingResult.Status.INTERRUPTED;
            stop = true;
            break;
          }
          if (targetEpoch >= 0) {
            break;
          }
        }
        if (stop) {
          break;
        }
      }
      return new TrainingResult(config, log, List.copyOf(epochs), status, targetEpoch, targetSeconds, resumedAt);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint in " + dir + ": " + e.getMessage(), e);
    }
  }

  private boolean reached(EpochResult e) {
    return !Double.isNaN(config.targetAccuracy()) && e.testAccuracy() >= config.targetAccuracy();
  }

  private Map<String, String> identity(int batch) {
    Map<String, String> id = new LinkedHashMap<>();
    id.put("parameters", Checkpoint.parameterLayout(model));
    id.put("batch_size", Integer.toString(batch));
    id.put("epochs", Integer.toString(config.epochs()));
    id.put("schedule", config.schedule().toString());
    id.put("optimizer", config.optimizer().toString());
    id.put("seed", Long.toString(config.seed()));
    id.putAll(identity);
    return id;
  }

  /**
   * Batches of {@code order} from batch {@code firstBatch} on, through the dataset's pipeline and batchifier;
   * prepared ahead on {@code executor} (the dataset's {@code prefetchNumber} of them) unless it is null.
   */
  private static Iterator<Batch> batches(Trainer trainer, RandomAccessDataset data, int[] order, int firstBatch,
      int batch, ExecutorService executor) {
    Sampler sampler = new Sampler() {
      @Override
      public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        return new Iterator<>() {
          private int from = firstBatch * batch;

          @Override
          public boolean hasNext() {
            return from < order.length;
          }

          @Override
          public List<Long> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            int to = Math.min(from + batch, order.length);
            List<Long> indices = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
              indices.add((long) order[i]);
            }
            from = to;
            return indices;
          }
        };
      }

      @Override
      public int getBatchSize() {
        return batch;
      }
    };
    return Batches.read("the training data", () -> executor == null ? data.getData(trainer.getManager(), sampler)
        : data.getData(trainer.getManager(), sampler, executor)).iterator();
  }

  /**
   * The thread that prepares batches ahead, when asked for; closed before the trainer, so that no batch is being
   * made in the trainer's manager as it closes (batches prepared but never used close with it).
   */
  private static final class Prefetcher implements AutoCloseable {
    final ExecutorService executor;

    Prefetcher(boolean prefetch) {
      executor = prefetch ? Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "clr4j-prefetch");
        t.setDaemon(true);
        return t;
      }) : null;
    }

    @Override
    public void close() {
      if (executor == null) {
        return;
      }
      executor.shutdownNow();
      try {
        if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the prefetch thread did not stop within a minute");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Batch next(Iterator<Batch> batches) {
    if (!batches.hasNext()) {
      throw new IllegalStateException("the training dataset yielded fewer batches than its size implies");
    }
    return batches.next();
  }

  /** How many training batches re-estimate batch norm's statistics at a Schedule-Free run's x (the authors' 50). */
  static final int RECALIBRATION_BATCHES = 50;

  /**
   * {@link #evaluate}, for a Schedule-Free optimizer at its averaged weights x (where its authors evaluate), with
   * batch norm's running statistics re-estimated there from {@value #RECALIBRATION_BATCHES} batches of this epoch's
   * order (a model without batch norm only switches); the weights go back to y before training or a checkpoint.
   * Other optimizers evaluate their weights as they are.
   */
  private EpochResult evaluateAtX(ScheduledOptimizer optimizer, Trainer trainer, Dataset test, int epoch,
      long stepNo, StepLog log, int stepsPerEpoch, java.util.function.Supplier<Iterator<Batch>> trainBatches) {
    if (!(optimizer instanceof ScheduleFreeOptimizer)) {
      return evaluate(trainer, test, epoch, stepNo, log, stepsPerEpoch);
    }
    ScheduleFreeOptimizer sf = (ScheduleFreeOptimizer) optimizer;
    try {
      if (hasBatchNorm(model.getBlock())) {
        sf.recalibrateBatchNorm(trainer, trainBatches::get, RECALIBRATION_BATCHES);
      } else {
        sf.eval();
      }
      return evaluate(trainer, test, epoch, stepNo, log, stepsPerEpoch);
    } finally {
      sf.train();
    }
  }

  private static boolean hasBatchNorm(Block block) {
    if (block instanceof BatchNorm) {
      return true;
    }
    for (Pair<String, Block> child : block.getChildren()) {
      if (hasBatchNorm(child.getValue())) {
        return true;
      }
    }
    return false;
  }

  private EpochResult evaluate(Trainer trainer, Dataset test, int epoch, long stepNo, StepLog log,
      int stepsPerEpoch) {
    Batches.Evaluation eval = Batches.evaluate(trainer, Batches.read("the test data",
        () -> trainer.iterateDataset(test)));
    int end = log.size();
    int start = Math.max(0, end - stepsPerEpoch);
    double epochSeconds = log.seconds(start, end);
    return new EpochResult(epoch + 1, stepNo, log.meanLoss(start, end), eval.loss(), eval.accuracy(),
        log.seconds(0, end), log.samples(start, end) / Math.max(1e-9, epochSeconds));
  }

  /** Configures a {@link TrainingLoop}. */
  public static final class Builder {
    private final Model model;
    private final Loss loss;
    private final TrainingConfig config;
    private Device[] devices;
    private LossStep step = LossStep.DEFAULT;
    private Listener listener = Listener.NONE;
    private Shape[] inputShapes;
    private final Map<String, String> identity = new LinkedHashMap<>();
    private boolean prefetch;

    private Builder(Model model, Loss loss, TrainingConfig config) {
      this.model = Batches.withBlock(model);
      this.loss = Objects.requireNonNull(loss, "loss");
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The devices to train on (default: the model manager's device); each batch is split across them. */
    public Builder optDevices(Device... devices) {
      this.devices = Batches.devices(devices);
      return this;
    }

    /** How a step computes its loss (default {@link LossStep#DEFAULT}). */
    public Builder optStep(LossStep step) {
      this.step = Objects.requireNonNull(step, "step");
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = listener == null ? Listener.NONE : listener;
      return this;
    }

    /**
     * Initializes the block's uninitialized parameters for inputs of these shapes, after seeding the engine with
     * the config's seed (so initialization is reproducible). Without it the block must be initialized already.
     */
    public Builder optInitialize(Shape... inputShapes) {
      this.inputShapes = Objects.requireNonNull(inputShapes, "inputShapes").clone();
      return this;
    }

    /**
     * Adds to what a checkpoint must match to be resumed, e.g. {@code ("data", fingerprint)} or
     * {@code ("threads", "2")}: whatever else decides the run's numbers.
     */
    public Builder optIdentity(String key, String value) {
      Checks.notNull("key", key);
      Checks.notNull("value", value);
      identity.put(key, value);
      return this;
    }

    /**
     * Prepares the next training batches on a background thread while a step runs (default: off, each batch made
     * when needed). How many ahead is the dataset's {@code prefetchNumber} (DJL's {@code optPrefetchNumber},
     * default 2). The dataset must allow it: {@code getByIndices} called from that thread, and a batch's arrays
     * left intact while the next ones are made (DJL's {@code ArrayDataset} and clr4j's {@code DjlData} do). The
     * batches and so the results are the same either way. It moves the batch's preparation off the training
     * thread, which pays only with a core to spare: on 2 cores it slowed training (docs/BENCHMARKS.md,
     * "Throughput").
     */
    public Builder optPrefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    public TrainingLoop build() {
      return new TrainingLoop(this);
    }
  }
}
