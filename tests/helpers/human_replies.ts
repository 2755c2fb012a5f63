/**
 * Golden renderings of replies for human mode: RESP bytes and the text
 * redis-cli 7.0 prints for them on a terminal (`\n` line ends). Shared by
 * the renderer's unit test and the test that checks the goldens against
 * the real redis-cli.
 *
 * @module
 */

/** One reply shape and how it is printed. */
export interface GoldenReply {
  name: string;
  /** The reply as RESP (latin1: one char per byte). */
  resp: string;
  /** What redis-cli prints for it. */
  text: string;
  /**
   * Why redis-cli 7.0 cannot be asked for this one (it does not parse the
   * type, or prints pushes only when interactive); absent = compared.
   */
  notInRedisCli?: string;
}

const ELEVEN = Array.from({ length: 11 }, (_, i) => `:${i + 1}\r\n`).join("");

/** Every reply shape, with binary, escaped, Unicode and nested cases. */
export const GOLDEN_REPLIES: GoldenReply[] = [
  { name: "simple string", resp: "+OK\r\n", text: "OK\n" },
  { name: "simple string with quotes", resp: '+say "hi"\r\n', text: 'say "hi"\n' },
  {
    name: "error",
    resp: "-ERR unknown command 'x', with args beginning with: \r\n",
    text: "(error) ERR unknown command 'x', with args beginning with: \n",
  },
  {
    name: "error with another code",
    resp: "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    text: "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n",
  },
  {
    name: "blob error",
    resp: "!21\r\nSYNTAX invalid syntax\r\n",
    text: "(error) SYNTAX invalid syntax\n",
    notInRedisCli: "hiredis in redis-cli 7.0 rejects '!'",
  },
  { name: "integer", resp: ":1\r\n", text: "(integer) 1\n" },
  { name: "negative integer", resp: ":-42\r\n", text: "(integer) -42\n" },
  {
    name: "64-bit integer limits",
    resp: "*2\r\n:9223372036854775807\r\n:-9223372036854775808\r\n",
    text: "1) (integer) 9223372036854775807\n2) (integer) -9223372036854775808\n",
  },
  { name: "bulk string", resp: "$5\r\nhello\r\n", text: '"hello"\n' },
  { name: "empty bulk string", resp: "$0\r\n\r\n", text: '""\n' },
  {
    name: "bulk with spaces and punctuation",
    resp: "$13\r\nhello, world!\r\n",
    text: '"hello, world!"\n',
  },
  {
    name: "bulk with escapes",
    resp: '$10\r\n\\"\n\r\t\x07\x08a b\r\n',
    text: '"\\\\\\"\\n\\r\\t\\a\\ba b"\n',
  },
  {
    name: "bulk with binary bytes",
    resp: "$6\r\n\x00\x01\x1f\x7f\x80\xff\r\n",
    text: '"\\x00\\x01\\x1f\\x7f\\x80\\xff"\n',
  },
  {
    name: "bulk with UTF-8 text",
    resp: "$9\r\n\xe4\xbd\xa0\xe5\xa5\xbd\xe2\x82\xac\r\n",
    text: '"\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd\\xe2\\x82\\xac"\n',
  },
  { name: "null bulk", resp: "$-1\r\n", text: "(nil)\n" },
  { name: "null array", resp: "*-1\r\n", text: "(nil)\n" },
  { name: "RESP3 null", resp: "_\r\n", text: "(nil)\n" },
  { name: "empty array", resp: "*0\r\n", text: "(empty array)\n" },
  {
    name: "array",
    resp: "*3\r\n$1\r\na\r\n:2\r\n$-1\r\n",
    text: '1) "a"\n2) (integer) 2\n3) (nil)\n',
  },
  {
    name: "array with an error inside",
    resp: "*2\r\n+OK\r\n-ERR inner\r\n",
    text: "1) OK\n2) (error) ERR inner\n",
  },
  {
    name: "nested arrays",
    resp: "*3\r\n$1\r\na\r\n*2\r\n:1\r\n*2\r\n$1\r\nx\r\n*0\r\n$1\r\nb\r\n",
    text: '1) "a"\n2) 1) (integer) 1\n   2) 1) "x"\n      2) (empty array)\n3) "b"\n',
  },
  {
    name: "array of eleven: right-aligned indexes",
    resp: `*12\r\n${ELEVEN}*2\r\n$1\r\na\r\n$1\r\nb\r\n`,
    text: Array.from({ length: 11 }, (_, i) => `${String(i + 1).padStart(2)}) (integer) ${i + 1}\n`)
      .join("") + '12) 1) "a"\n    2) "b"\n',
  },
  {
    name: "map",
    resp: "%2\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nn\r\n:1\r\n",
    text: '1# "k" => "v"\n2# "n" => (integer) 1\n',
  },
  { name: "empty map", resp: "%0\r\n", text: "(empty hash)\n" },
  {
    name: "map with multi-line values",
    resp:
      "%3\r\n+list\r\n*2\r\n:1\r\n:2\r\n+one\r\n*1\r\n:3\r\n+inner\r\n%2\r\n+a\r\n:1\r\n+b\r\n*0\r\n",
    text: "1# list => \n   1) (integer) 1\n   2) (integer) 2\n" +
      "2# one => 1) (integer) 3\n" +
      "3# inner => \n   1# a => (integer) 1\n   2# b => (empty array)\n",
  },
  {
    name: "map with a one-entry map holding a list",
    resp: "%1\r\n+k\r\n%1\r\n+a\r\n*2\r\n:1\r\n:2\r\n",
    text: "1# k => \n   1# a => \n      1) (integer) 1\n      2) (integer) 2\n",
  },
  {
    name: "map with an aggregate key",
    resp: "%1\r\n*2\r\n:1\r\n:2\r\n+v\r\n",
    text: "1# 1) (integer) 1\n   2) (integer) 2 => v\n",
  },
  {
    name: "map of eleven",
    resp: `%11\r\n${ELEVEN.split("\r\n").slice(0, 10).map((l) => `${l}\r\n${l}\r\n`).join("")}` +
      ":11\r\n~1\r\n+s\r\n",
    text: Array.from(
      { length: 10 },
      (_, i) => `${String(i + 1).padStart(2)}# (integer) ${i + 1} => (integer) ${i + 1}\n`,
    ).join("") + "11# (integer) 11 => 1~ s\n",
  },
  {
    name: "array of maps",
    resp: "*2\r\n%1\r\n+a\r\n:1\r\n%2\r\n+b\r\n:2\r\n+c\r\n:3\r\n",
    text: "1) 1# a => (integer) 1\n2) 1# b => (integer) 2\n   2# c => (integer) 3\n",
  },
  { name: "set", resp: "~2\r\n$1\r\na\r\n$1\r\nb\r\n", text: '1~ "a"\n2~ "b"\n' },
  { name: "empty set", resp: "~0\r\n", text: "(empty set)\n" },
  {
    name: "set nested in an array",
    resp: "*2\r\n~2\r\n:1\r\n*2\r\n:5\r\n:6\r\n:3\r\n",
    text: "1) 1~ (integer) 1\n   2~ 1) (integer) 5\n      2) (integer) 6\n2) (integer) 3\n",
  },
  { name: "double", resp: ",3.14\r\n", text: "(double) 3.14\n" },
  { name: "double infinity", resp: ",-inf\r\n", text: "(double) -inf\n" },
  { name: "double exponent", resp: ",1.5e+300\r\n", text: "(double) 1.5e+300\n" },
  { name: "double in a map", resp: "%1\r\n+score\r\n,0.5\r\n", text: "1# score => (double) 0.5\n" },
  { name: "boolean true", resp: "#t\r\n", text: "(true)\n" },
  { name: "boolean false", resp: "#f\r\n", text: "(false)\n" },
  { name: "verbatim text", resp: "=15\r\ntxt:hello\nworld\r\n", text: "hello\nworld\n" },
  { name: "verbatim markdown", resp: "=8\r\nmkd:# hi\r\n", text: "# hi\n" },
  { name: "verbatim in an array", resp: "*1\r\n=9\r\ntxt:a\nb\nc\r\n", text: "1) a\nb\nc\n" },
  {
    name: "big number",
    resp: "(3492890328409238509324850943850943825024385\r\n",
    text: "(big number) 3492890328409238509324850943850943825024385\n",
    notInRedisCli: "redis-cli 7.0 exits on big numbers ('Unknown reply type')",
  },
  {
    name: "pub/sub message push",
    resp: ">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n",
    text: '1) "message"\n2) "news"\n3) "hello"\n',
    notInRedisCli: "redis-cli prints pushes only in interactive mode",
  },
  {
    name: "pattern message push",
    resp: ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
    text: '1) "pmessage"\n2) "n*"\n3) "news"\n4) "hi"\n',
    notInRedisCli: "redis-cli prints pushes only in interactive mode",
  },
  {
    name: "empty push",
    resp: ">0\r\n",
    text: "(empty push)\n",
    notInRedisCli: "redis-cli prints pushes only in interactive mode",
  },
  {
    name: "invalidation push",
    resp: ">2\r\n$10\r\ninvalidate\r\n*2\r\n$3\r\nfoo\r\n$3\r\nbar\r\n",
    text: "-> invalidate: 'foo', 'bar'\n",
    notInRedisCli: "redis-cli prints pushes only in interactive mode",
  },
];
