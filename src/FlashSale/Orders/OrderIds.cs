using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FlashSale.Orders;

/// <summary>
/// New order ids: UUID version 7 (RFC 9562) — the purchase's unix milliseconds first, so the record's
/// index on order ids grows at its end instead of splitting random pages, then 74 random bits, so ids
/// stay unguessable. The same layout as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>, which on
/// Linux reads /dev/urandom once per id (a system call per durable purchase); here the random bits
/// come from the cryptographic generator in blocks of <see cref="IdsPerRefill"/> ids per thread.
/// </summary>
public static class OrderIds
{
    private const int IdsPerRefill = 256;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_next;

    public static Guid New(DateTimeOffset at)
    {
        var random = t_random ??= new byte[IdsPerRefill * 16];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        var bytes = random.AsSpan(t_next * 16, 16);
        t_next = (t_next + 1) % IdsPerRefill;

        Span<byte> id = stackalloc byte[16];
        bytes.CopyTo(id);
        // Each random block is used once: cleared as it is taken.
        bytes.Clear();
        Span<byte> ms = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(ms, at.ToUnixTimeMilliseconds());
        ms[2..].CopyTo(id);                          // 48-bit timestamp, big-endian
        id[6] = (byte)((id[6] & 0x0F) | 0x70);       // version 7
        id[8] = (byte)((id[8] & 0x3F) | 0x80);       // variant 10 (RFC 9562)
        return new Guid(id, bigEndian: true);
    }
}
