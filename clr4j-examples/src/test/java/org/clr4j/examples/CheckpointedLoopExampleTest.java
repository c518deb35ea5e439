package org.clr4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a training run of a user model after its first checkpoint: the resumed run ends exactly as one that ran
 * through.
 */
class CheckpointedLoopExampleTest {


  @Test
  void aRunKilledWithSigkillResumesAtItsCheckpointsExactStep(@TempDir Path dir) throws Exception {
    TrainingResult straight = CheckpointedLoopExample.run(null, TrainingLoop.Resume.NO);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        CheckpointedLoopExample.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "first-run.log")).start();
    Path checkpoint = TrainingLoop.checkpointFile(dir);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
    p.waitFor(1, TimeUnit.MINUTES);
    assertTrue(Files.exists(checkpoint), "the first run wrote a checkpoint: " + Files.readString(
        dir.resolve("first-run.log")));

    TrainingResult resumed = CheckpointedLoopExample.run(dir, TrainingLoop.Resume.REQUIRED);
    assertTrue(resumed.resumedAt() > 0 && resumed.resumedAt() % 32 == 0, "resumed at " + resumed.resumedAt());
    assertEquals(straight.steps().size(), resumed.steps().size());
    assertArrayEquals(straight.steps().losses(), resumed.steps().losses(),
        "every step's loss equals the uninterrupted run's");
    assertEquals(straight.finalAccuracy(), resumed.finalAccuracy(), 0.0);
  }
}
