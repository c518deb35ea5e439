package org.clr4j.djl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.clr4j.data.EpochOrder;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.schedule.Schedule;

/**
 * Trains a reference model with a clr4j schedule: mini-batches in a seeded order per epoch, evaluation after each
 * epoch, an early stop at a target accuracy, and checkpoints that let a run continue at the exact step.
 *
 * <p>With a checkpoint directory, a checkpoint is written after every epoch and, on SIGINT or SIGTERM, after the
 * step in progress; {@code resume} continues from the last one. Because the data order is a pure function of
 * (seed, epoch) and all state is restored bit for bit, a resumed run computes what the uninterrupted run would.
 */
public final class TrainingLoop {
  private final TrainingConfig config;
  private final TrainingListener listener;
  private volatile boolean stopRequested;

  public TrainingLoop(TrainingConfig config, TrainingListener listener) {
    this.config = config;
    this.listener = listener == null ? TrainingListener.NONE : listener;
  }

  /** Asks the run to stop after the current step (and write a checkpoint when it has a directory). */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Runs from the start, or from the checkpoint in the config's directory when {@code resume} is set (from the start
   * when that directory holds no checkpoint yet).
   */
  public TrainingResult run(TrainTest data, boolean resume) {
    if (resume && config.checkpointDir() == null) {
      throw new IllegalArgumentException("resume needs a checkpoint directory");
    }
    int n = data.train().size();
    int batch = config.batchSize();
    int stepsPerEpoch = TrainingConfig.stepsPerEpoch(n, batch);
    long totalSteps = (long) stepsPerEpoch * config.epochs();
    Schedule schedule = config.schedule();
    ScheduledOptimizer optimizer = config.optimizer().create(schedule, 0);
    EpochOrder orders = new EpochOrder(n, config.seed());
    Path dir = config.checkpointDir();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = dir == null ? null : new Thread(() -> {
      // SIGINT/SIGTERM: let the loop finish its step and write a checkpoint before the JVM exits.
      stopRequested = true;
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "clr4j-checkpoint-on-signal");
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try (TrainingSession session = TrainingSession.create(config.model(), data.train(), batch, optimizer,
        config.seed())) {
      long step = 0;
      StepLog log = new StepLog();
      List<EpochResult> epochs = new ArrayList<>();
      // A run killed before its first checkpoint has nothing to resume: it starts again from step 0.
      if (resume && java.nio.file.Files.exists(dir.resolve(Checkpoint.FILE_NAME))) {
        Checkpoint.Restored restored = Checkpoint.read(dir, session, optimizer, config);
        step = restored.step();
        log = restored.log();
        epochs.addAll(restored.epochs());
        optimizer.setStepOffset(step - optimizer.updates());
      }
      TrainingResult.Status status = TrainingResult.Status.COMPLETED;
      int targetEpoch = -1;
      double targetSeconds = Double.NaN;
      for (EpochResult e : epochs) {
        if (targetEpoch < 0 && !Double.isNaN(config.targetAccuracy()) && e.testAccuracy() >= config.targetAccuracy()) {
          targetEpoch = e.epoch();
          targetSeconds = e.trainSeconds();
        }
      }
      int[] order = null;
      long orderEpoch = -1;
      while (step < totalSteps && targetEpoch < 0) {
        int epoch = (int) (step / stepsPerEpoch);
        int inEpoch = (int) (step % stepsPerEpoch);
        if (orderEpoch != epoch) {
          order = orders.order(epoch);
          orderEpoch = epoch;
        }
        int from = inEpoch * batch;
        int count = Math.min(batch, n - from);
        double lr = schedule.valueAt(step);
        double momentum = schedule.momentumAt(step);
        long t0 = System.nanoTime();
        float loss = session.trainStep(data.train(), order, from, count);
        float seconds = (System.nanoTime() - t0) / 1e9f;
        log.add(lr, momentum, loss, seconds, count);
        step++;
        listener.onStep(step - 1, totalSteps, lr, momentum, loss);
        if (!Float.isFinite(loss)) {
          throw new TrainingDivergedException("training diverged: loss " + loss + " at step " + (step - 1) + " (lr "
              + lr + "); lower the maximum learning rate");
        }
        if (inEpoch == stepsPerEpoch - 1) {
          EpochResult result = evaluate(session, data, epoch, step, log, stepsPerEpoch);
          epochs.add(result);
          listener.onEpoch(result);
          if (!Double.isNaN(config.targetAccuracy()) && result.testAccuracy() >= config.targetAccuracy()) {
            targetEpoch = epoch + 1;
            targetSeconds = result.trainSeconds();
            status = TrainingResult.Status.TARGET_REACHED;
          }
          if (dir != null) {
            Checkpoint.write(dir, session, optimizer, config, step, log, epochs);
            listener.onCheckpoint(dir.resolve(Checkpoint.FILE_NAME), step);
          }
        }
        if (stopRequested && step < totalSteps) {
          if (dir != null && inEpoch != stepsPerEpoch - 1) {
            Checkpoint.write(dir, session, optimizer, config, step, log, epochs);
            listener.onCheckpoint(dir.resolve(Checkpoint.FILE_NAME), step);
          }
          status = TrainingResult.Status.INTERRUPTED;
          break;
        }
      }
      return new TrainingResult(config, log, List.copyOf(epochs), status, targetEpoch, targetSeconds);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint in " + dir + ": " + e.getMessage(), e);
    } finally {
      finished.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it waits for the latch released above.
        }
      }
    }
  }

  private EpochResult evaluate(TrainingSession session, TrainTest data, int epoch, long step, StepLog log,
      int stepsPerEpoch) {
    TrainingSession.Evaluation eval = session.evaluate(data.test(), config.evalBatchSize());
    int end = log.size();
    int start = Math.max(0, end - stepsPerEpoch);
    double epochSeconds = log.seconds(start, end);
    return new EpochResult(epoch + 1, step, log.meanLoss(start, end), eval.loss(), eval.accuracy(),
        log.seconds(0, end), log.samples(start, end) / Math.max(1e-9, epochSeconds));
  }
}
