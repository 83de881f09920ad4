using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Segmenter.Embedded.Kafka;

/// <summary>
/// Minimal P/Invoke surface for librdkafka's mock cluster (<c>rdkafka_mock.h</c>)
/// plus the handful of core calls needed to own a private <c>rd_kafka_t</c>.
/// </summary>
/// <remarks>
/// <para>
/// The library is not resolved by name: on Debian 12 the default
/// <c>runtimes/linux-x64/native/librdkafka.so</c> needs <c>libsasl2.so.3</c>, so
/// Confluent.Kafka falls back to <c>centos8-librdkafka.so</c>. A plain
/// <c>DllImport("librdkafka")</c> would try (and fail on) the former. The resolver below
/// therefore binds our imports to the exact file Confluent.Kafka has already mapped into
/// the process, so both sides share one copy of librdkafka (one set of globals).
/// </para>
/// <para>
/// The mock API is documented upstream as experimental and not ABI-stable; the signatures
/// here were checked against the <c>rdkafka_mock.h</c> shipped in librdkafka.redist 2.16.0.
/// </para>
/// </remarks>
internal static partial class LibRdKafkaMock
{
    private const string LibName = "librdkafka";

    /// <summary><c>rd_kafka_type_t</c>: RD_KAFKA_PRODUCER.</summary>
    internal const int RdKafkaProducer = 0;

    /// <summary><c>rd_kafka_conf_res_t</c>: RD_KAFKA_CONF_OK.</summary>
    private const int ConfOk = 0;

    private static readonly Lock InitLock = new();
    private static IntPtr s_libraryHandle;
    private static bool s_resolverInstalled;

    /// <summary>Full path of the librdkafka binary our imports are bound to (for diagnostics).</summary>
    internal static string? LoadedLibraryPath { get; private set; }

    /// <summary>
    /// Makes sure Confluent.Kafka has loaded librdkafka and installs the import resolver for
    /// this assembly. Idempotent; must run before the first P/Invoke below.
    /// </summary>
    internal static void EnsureInitialized()
    {
        lock (InitLock)
        {
            if (s_resolverInstalled)
            {
                return;
            }

            // Let Confluent.Kafka pick and load the right variant for this OS/libc.
            if (!Confluent.Kafka.Library.IsLoaded)
            {
                Confluent.Kafka.Library.Load();
            }

            LoadedLibraryPath = FindLoadedLibrdkafka();
            NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaMock).Assembly, Resolve);
            s_resolverInstalled = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibName)
        {
            return IntPtr.Zero; // not ours: default probing
        }

        lock (InitLock)
        {
            if (s_libraryHandle == IntPtr.Zero)
            {
                // dlopen() of an already-mapped file just bumps its refcount and returns the
                // same handle, so this is the very library instance Confluent.Kafka uses.
                s_libraryHandle = LoadedLibraryPath is not null
                    ? NativeLibrary.Load(LoadedLibraryPath)
                    : NativeLibrary.Load(LibName, assembly, searchPath);
            }

            return s_libraryHandle;
        }
    }

    /// <summary>
    /// Finds the librdkafka file mapped into this process. Linux only (/proc/self/maps);
    /// elsewhere returns null and the default probing is used.
    /// </summary>
    private static string? FindLoadedLibrdkafka()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps))
        {
            return null;
        }

        foreach (string line in File.ReadLines(maps))
        {
            // Format: address perms offset dev inode [pathname]; pathname starts at the first '/'.
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            string path = line[slash..];
            string file = Path.GetFileName(path);
            if (file.Contains("librdkafka", StringComparison.Ordinal) &&
                !file.Contains("++", StringComparison.Ordinal) &&
                file.Contains(".so", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// Creates a bare producer <c>rd_kafka_t</c> that is owned by us (not by Confluent.Kafka).
    /// It never connects anywhere; it only hosts the mock cluster's threads and bookkeeping.
    /// </summary>
    internal static IntPtr CreateProducerHandle(IEnumerable<KeyValuePair<string, string>> config)
    {
        var errstr = new byte[512];
        IntPtr conf = rd_kafka_conf_new();
        foreach (var (name, value) in config)
        {
            if (rd_kafka_conf_set(conf, name, value, errstr, (nuint)errstr.Length) != ConfOk)
            {
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {CString(errstr)}");
            }
        }

        IntPtr rk = rd_kafka_new(RdKafkaProducer, conf, errstr, (nuint)errstr.Length);
        if (rk == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf); // ownership is only transferred on success
            throw new InvalidOperationException($"rd_kafka_new failed: {CString(errstr)}");
        }

        return rk;
    }

    private static string CString(byte[] buffer)
    {
        int len = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, len < 0 ? buffer.Length : len);
    }

    // ---------------------------------------------------------------- core API (rdkafka.h)

    [LibraryImport(LibName)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(LibName)]
    internal static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(LibName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(LibName)]
    internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(LibName)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    // ---------------------------------------------------------------- mock API (rdkafka_mock.h)

    /// <summary>rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt); broker ids are 1..broker_cnt.</summary>
    [LibraryImport(LibName)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    /// <summary>void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster); joins the mock thread.</summary>
    [LibraryImport(LibName)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    /// <summary>const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *); owned by the cluster, computed once at creation.</summary>
    [LibraryImport(LibName)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_topic_create(mcluster, const char *topic, int partition_cnt, int replication_factor).</summary>
    [LibraryImport(LibName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    /// <summary>void rd_kafka_mock_broker_set_host_port(mcluster, int32_t broker_id, const char *host, int port); changes only what Metadata advertises.</summary>
    [LibraryImport(LibName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void rd_kafka_mock_broker_set_host_port(IntPtr mcluster, int brokerId, string host, int port);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(mcluster, int32_t broker_id); -1 = all brokers.</summary>
    [LibraryImport(LibName)]
    internal static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(mcluster, int32_t broker_id); -1 = all brokers.</summary>
    [LibraryImport(LibName)]
    internal static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_broker_set_rtt(mcluster, int32_t broker_id, int rtt_ms).</summary>
    [LibraryImport(LibName)]
    internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_partition_set_leader(mcluster, const char *topic, int32_t partition, int32_t broker_id).</summary>
    [LibraryImport(LibName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_partition_set_leader(IntPtr mcluster, string topic, int partition, int brokerId);

    /// <summary>rd_kafka_resp_err_t rd_kafka_mock_set_apiversion(mcluster, int16_t ApiKey, int16_t MinVersion, int16_t MaxVersion).</summary>
    [LibraryImport(LibName)]
    internal static partial int rd_kafka_mock_set_apiversion(IntPtr mcluster, short apiKey, short minVersion, short maxVersion);
}
