package org.clr4j.dl4j.spark;

import java.io.Serializable;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/** Records the iteration and epoch counts each worker step is taken at (local mode: a static queue). */
final class IterationRecorder extends BaseTrainingListener implements Serializable {
  private static final long serialVersionUID = 1L;

  record Step(String thread, int iteration, int epoch) {}

  static final ConcurrentLinkedQueue<Step> STEPS = new ConcurrentLinkedQueue<>();

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    STEPS.add(new Step(Thread.currentThread().getName(), iteration, epoch));
  }
}
