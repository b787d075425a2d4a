package io.tollgate.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback TCP proxy from a free port to {@code targetHost:targetPort}, to make a
 * dependency slow or unreachable without touching it. Thread per direction per connection
 * (test code, few connections).
 *
 * <ul>
 * <li>{@link #setDelay(Duration)}: every chunk read is held that long before it is
 * forwarded, in both directions.</li>
 * <li>{@link #blackhole(boolean)}: connections are still accepted and bytes still read
 * into buffers, but nothing is forwarded and nothing answered, like a network that
 * silently drops packets. Bytes are held, not lost: lifting the blackhole lets them flow
 * again, as TCP would after a partition heals. New connections accepted meanwhile are
 * connected to the target only once it is lifted. Combine with {@link #dropConnections()}
 * to emulate resets.</li>
 * <li>{@link #dropConnections()}: closes every open connection on both sides.</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final Object gate = new Object();

	private final AtomicLong accepted = new AtomicLong();

	private volatile Duration delay = Duration.ZERO;

	private volatile boolean blackholed;

	private volatile boolean closed;

	private final Thread acceptor;

	private static final AtomicInteger IDS = new AtomicInteger();

	private final int id = IDS.incrementAndGet();

	/**
	 * Starts a proxy on a free loopback port in front of {@code targetHost:targetPort}.
	 */
	public TcpProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try {
			server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot bind TCP proxy", e);
		}
		this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + id + "-accept");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** Starts a proxy in front of {@code 127.0.0.1:targetPort}. */
	public static TcpProxy to(int targetPort) {
		return new TcpProxy("127.0.0.1", targetPort);
	}

	/** Starts a proxy in front of {@code host:port}. */
	public static TcpProxy to(String host, int port) {
		return new TcpProxy(host, port);
	}

	/** The proxy's loopback port; clients connect here. */
	public int port() {
		return server.getLocalPort();
	}

	/** Always {@code 127.0.0.1}. */
	public String host() {
		return "127.0.0.1";
	}

	/**
	 * Delay applied to every forwarded chunk, both directions; {@link Duration#ZERO} for
	 * none.
	 */
	public void setDelay(Duration delay) {
		this.delay = delay == null ? Duration.ZERO : delay;
	}

	/** Current per-chunk delay. */
	public Duration delay() {
		return delay;
	}

	/** Starts ({@code true}) or ends ({@code false}) silently holding all traffic. */
	public void blackhole(boolean on) {
		synchronized (gate) {
			blackholed = on;
			gate.notifyAll();
		}
	}

	/** True while traffic is held. */
	public boolean isBlackholed() {
		return blackholed;
	}

	/**
	 * Closes every open connection (client and target side). The proxy keeps accepting
	 * new ones.
	 */
	public void dropConnections() {
		for (Link link : links) {
			link.close();
		}
	}

	/** Number of connections currently open through the proxy. */
	public int openConnections() {
		return links.size();
	}

	/** Number of connections accepted since start. */
	public long acceptedConnections() {
		return accepted.get();
	}

	/** Stops listening and drops every connection. */
	@Override
	public void close() {
		closed = true;
		try {
			server.close();
		}
		catch (IOException e) {
			// closing anyway
		}
		blackhole(false);
		dropConnections();
		// the listening socket is released once its accept has returned: after close(),
		// the port refuses
		try {
			this.acceptor.join(2000);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private void acceptLoop() {
		while (!closed) {
			Socket client;
			try {
				client = server.accept();
			}
			catch (IOException e) {
				if (closed) {
					return;
				}
				continue;
			}
			if (closed) {
				try {
					client.close();
				}
				catch (IOException e) {
					// closing anyway
				}
				return;
			}
			accepted.incrementAndGet();
			Link link = new Link(client);
			links.add(link);
			Thread connector = new Thread(link::connect, "tcp-proxy-" + id + "-link");
			connector.setDaemon(true);
			connector.start();
		}
	}

	/** Waits while blackholed; false when the link closed meanwhile. */
	private boolean awaitOpenGate(Link link) {
		synchronized (gate) {
			while (blackholed && !link.closed && !closed) {
				try {
					gate.wait(50);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return !link.closed;
	}

	private final class Link {

		private final Socket client;

		private volatile Socket target;

		private volatile boolean closed;

		private final AtomicInteger pumpsDone = new AtomicInteger();

		Link(Socket client) {
			this.client = client;
		}

		void connect() {
			try {
				client.setTcpNoDelay(true);
				if (!awaitOpenGate(this)) {
					return;
				}
				Socket t = new Socket();
				target = t;
				if (closed) {
					close();
					return;
				}
				t.connect(new InetSocketAddress(targetHost, targetPort), 5000);
				t.setTcpNoDelay(true);
				Thread up = new Thread(() -> pump(client, t), "tcp-proxy-" + id + "-up");
				up.setDaemon(true);
				up.start();
				pump(t, client);
			}
			catch (IOException e) {
				close();
			}
		}

		private void pump(Socket from, Socket to) {
			byte[] buf = new byte[16 * 1024];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int n;
				while ((n = in.read(buf)) >= 0) {
					if (!awaitOpenGate(this)) {
						return;
					}
					Duration d = delay;
					if (!d.isZero()) {
						Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
					}
					out.write(buf, 0, n);
					out.flush();
				}
				to.shutdownOutput();
			}
			catch (SocketException e) {
				close();
			}
			catch (IOException e) {
				close();
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				close();
			}
			finally {
				if (pumpsDone.incrementAndGet() == 2) {
					close();
				}
			}
		}

		void close() {
			closed = true;
			quietlyClose(client);
			Socket t = target;
			if (t != null) {
				quietlyClose(t);
			}
			links.remove(this);
		}

		private void quietlyClose(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException e) {
				// already gone
			}
		}

	}

	@Override
	public String toString() {
		return "TcpProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + ", delay=" + delay
				+ ", blackholed=" + blackholed + "]";
	}

}
