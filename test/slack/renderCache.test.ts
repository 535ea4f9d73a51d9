import { RenderCache } from '../../src/slack/renderCache';

const message = (text: string) => ({ text, blocks: [] });

describe('RenderCache', () => {
  it('renders once for requests that ask for the same answer at the same time', async () => {
    const cache = new RenderCache();
    let renders = 0;
    const render = async () => {
      renders += 1;
      await new Promise((r) => setTimeout(r, 10));
      return message('posture');
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('a', render)));
    expect(renders).toBe(1);
    expect(new Set(answers).size).toBe(1);
    await cache.get('b', render);
    expect(renders).toBe(2);
  });

  it('does not keep a failed rendering: the next request renders again', async () => {
    const cache = new RenderCache();
    await expect(cache.get('a', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect((await cache.get('a', async () => message('ok'))).text).toBe('ok');
  });

  it('keeps at most its capacity, dropping the least recently used', async () => {
    const cache = new RenderCache(2);
    let renders = 0;
    const render = (text: string) => async () => {
      renders += 1;
      return message(text);
    };
    await cache.get('a', render('a'));
    await cache.get('b', render('b'));
    await cache.get('a', render('a'));
    await cache.get('c', render('c'));
    expect(renders).toBe(3);
    await cache.get('a', render('a'));
    expect(renders).toBe(3);
    await cache.get('b', render('b'));
    expect(renders).toBe(4);
  });
});
