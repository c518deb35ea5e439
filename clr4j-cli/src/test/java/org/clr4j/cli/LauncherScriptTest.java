package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./clr4j} launcher refuses a bad allocator choice before it builds or starts anything. */
class LauncherScriptTest {
  @Test
  void badAllocatorChoiceIsOneLineAndExitCodeTwo() throws IOException, InterruptedException {
    Path launcher = Path.of("..", "clr4j").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(launcher), "launcher at " + launcher);
    ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version");
    pb.environment().put("CLR4J_MALLOC", "tcmalloc");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), err);
    assertEquals("clr4j: CLR4J_MALLOC (tcmalloc) must be glibc (tuned for PyTorch's tensors, the default) or system",
        err.strip());
  }
}
