import unittest

from croupier._proto import pb
from croupier.errors import CroupierError
from croupier.framing import FrameReader, decode_frame, decode_varint32, encode_frame, encode_varint


class VarintTest(unittest.TestCase):

    def test_encode_boundaries(self):
        cases = {0: "00", 1: "01", 127: "7f", 128: "8001", 300: "ac02", 16383: "ff7f", 16384: "808001",
                 2 ** 31 - 1: "ffffffff07", 2 ** 64 - 1: "ffffffffffffffffff01"}
        for value, hex_ in cases.items():
            with self.subTest(value=value):
                self.assertEqual(encode_varint(value).hex(), hex_)

    def test_encode_refuses_negative(self):
        with self.assertRaises(ValueError):
            encode_varint(-1)

    def test_decode_roundtrip_and_incomplete(self):
        for value in (0, 1, 127, 128, 16384, 2 ** 21, 2 ** 31 - 1):
            data = encode_varint(value)
            self.assertEqual(decode_varint32(data + b"\x99"), (value, len(data)))
            self.assertEqual(decode_varint32(data[:-1]), (None, 0))

    def test_decode_refuses_six_byte_and_out_of_range_lengths(self):
        with self.assertRaises(CroupierError) as e:
            decode_varint32(bytes.fromhex("ffffffffff01"))
        self.assertEqual(e.exception.code, "BAD_FRAME")
        with self.assertRaises(CroupierError):
            decode_varint32(encode_varint(2 ** 31))


class FrameTest(unittest.TestCase):

    def test_frame_is_length_then_body(self):
        env = pb.Envelope(correlation_id=7)
        env.ping.SetInParent()
        self.assertEqual(encode_frame(env).hex(), "0408076200")
        self.assertEqual(decode_frame(bytes.fromhex("0408076200")), env)

    def test_maps_are_written_in_key_order(self):
        a = pb.Envelope()
        for k in ("zeta", "alpha", "mid"):
            a.credits.grants[k] = 1
        b = pb.Envelope()
        for k in ("mid", "zeta", "alpha"):
            b.credits.grants[k] = 1
        self.assertEqual(encode_frame(a), encode_frame(b))

    def test_decode_frame_refuses_garbage_and_trailing_bytes(self):
        with self.assertRaises(CroupierError) as e:
            decode_frame(bytes.fromhex("03ffffff"))
        self.assertEqual(e.exception.code, "BAD_FRAME")
        with self.assertRaises(CroupierError):
            decode_frame(bytes.fromhex("0408076200" "00"))


class FrameReaderTest(unittest.TestCase):

    @staticmethod
    def reader_over(data: bytes, chunk: int, max_frame=1 << 20):
        chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
        reads = []

        def read_some():
            reads.append(1)
            return chunks.pop(0) if chunks else b""
        return FrameReader(read_some, max_frame), reads

    def test_reads_frames_split_across_reads(self):
        envs = []
        for i in range(1, 4):
            e = pb.Envelope(correlation_id=i)
            e.enqueue.item.payload = bytes(300 * i)
            envs.append(e)
        data = b"".join(encode_frame(e) for e in envs)
        for chunk in (1, 7, len(data)):
            with self.subTest(chunk=chunk):
                reader, _ = self.reader_over(data, chunk)
                self.assertEqual([reader.read() for _ in envs], envs)
                self.assertIsNone(reader.read())

    def test_refuses_an_oversized_frame_from_its_length_alone(self):
        reader, reads = self.reader_over(encode_varint(1001), 16, max_frame=1000)
        with self.assertRaises(CroupierError) as e:
            reader.read()
        self.assertEqual(e.exception.code, "FRAME_TOO_LARGE")
        self.assertEqual(len(reads), 1)  # it did not wait for the body

    def test_stream_ending_inside_a_frame_is_a_lost_connection(self):
        reader, _ = self.reader_over(bytes.fromhex("04080762"), 2)
        with self.assertRaises(CroupierError) as e:
            reader.read()
        self.assertEqual(e.exception.code, "CONNECTION_LOST")


if __name__ == "__main__":
    unittest.main()
