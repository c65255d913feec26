using System.Text;

namespace Bulwark.Text;

/// <summary>Replaces invalid byte sequences with U+FFFD, as the default does, and counts them so the scan can say so.</summary>
internal sealed class CountingDecoderFallback : DecoderFallback
{
    public int InvalidSequences { get; private set; }

    public override int MaxCharCount => 1;

    public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

    private sealed class Buffer(CountingDecoderFallback owner) : DecoderFallbackBuffer
    {
        private bool _pending;

        public override int Remaining => _pending ? 1 : 0;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.InvalidSequences++;
            _pending = true;
            return true;
        }

        public override char GetNextChar()
        {
            if (!_pending) return '\0';
            _pending = false;
            return '\uFFFD';
        }

        public override bool MovePrevious() => false;

        public override void Reset() => _pending = false;
    }
}
