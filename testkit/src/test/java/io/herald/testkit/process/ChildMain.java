package io.herald.testkit.process;

/** A child program for {@link JavaProcessTest}: {@code wait} runs until killed, {@code exit <code>} exits. */
public final class ChildMain {

    private ChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        switch (args[0]) {
            case "wait" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
                System.out.println("child ready pid=" + ProcessHandle.current().pid());
                System.err.println("a line on stderr");
                Thread.currentThread().join();
            }
            case "exit" -> {
                System.out.println("exiting with " + args[1]);
                System.out.print("last words without a line break");
                System.exit(Integer.parseInt(args[1]));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
