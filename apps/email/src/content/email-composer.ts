import { Inject, Injectable } from '@nestjs/common';
import { resumeLink, storeCartUrl, type EmailTemplateName, type TouchDue } from '@reclaim/contracts';
import { derivedId } from '@reclaim/core';
import { endWith, proceed, type Step } from '@reclaim/delivery';
import { EMAIL_CONFIG, type EmailConfig } from '../config';
import { returnPathFor } from '../addresses/domain/return-path';
import { IncentiveService } from '../incentives/incentive.service';
import { ProductFactsRepository } from '../products/product-facts.repository';
import { withCurrentFacts, type CurrentCart } from './domain/current-cart';
import { EmailContent } from './domain/email-content';
import { messageHeaders, replyToAddress } from './domain/headers';
import { unsubscribeToken } from './domain/links';
import { stockView } from './domain/stock';
import { EmailRenderer } from './email-renderer';
import { composeMime, type ComposedEmail, type DkimSigning } from './mime';

/**
 * An email touch's message, built to its final bytes before the provider is contacted: today's
 * stock and prices laid over the cart's snapshot (nothing buyable → no message, and no code), the
 * touch's incentive code, the store's copy, the resume and unsubscribe links, the headers, MIME.
 */
@Injectable()
export class EmailComposer {
  private readonly renderer = new EmailRenderer();
  private readonly fromDomain: string;
  private readonly storeName: string;
  private readonly replyTo: string | undefined;
  private readonly dkim: DkimSigning | undefined;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    private readonly incentives: IncentiveService,
    private readonly products: ProductFactsRepository,
    private readonly content: EmailContent,
  ) {
    this.fromDomain = /@([^>\s]+)>?\s*$/.exec(config.EMAIL_FROM)?.[1] ?? 'reclaim.local';
    this.storeName = /^\s*"?([^"<]+?)"?\s*</.exec(config.EMAIL_FROM)?.[1] ?? 'our store';
    this.replyTo = replyToAddress({
      replyTo: config.EMAIL_REPLY_TO,
      supportEmail: config.STORE_SUPPORT_EMAIL,
      from: config.EMAIL_FROM,
    });
    this.dkim = config.EMAIL_DKIM_PRIVATE_KEY
      ? {
          domainName: config.EMAIL_DKIM_DOMAIN,
          keySelector: config.EMAIL_DKIM_SELECTOR,
          privateKey: config.EMAIL_DKIM_PRIVATE_KEY,
        }
      : undefined;
  }

  async compose(touch: TouchDue, email: string, template: EmailTemplateName): Promise<Step<ComposedEmail>> {
    const cart = await this.currentCart(touch);
    if (!stockView(cart)) return endWith({ kind: 'skipped', reason: 'nothing_in_stock' });
    const incentive = await this.incentives.codeFor(touch);
    const config = this.config;
    const unsubscribe = unsubscribeToken(config.RESUME_LINK_SECRET, touch.storeId, email, touch.touchId);
    const unsubscribeUrl = `${config.EMAIL_PUBLIC_URL}/unsubscribe/${unsubscribe}`;
    const rendered = this.renderer.render(
      template,
      { ...touch, cart },
      {
        resumeUrl: resumeLink(config.PUBLIC_BASE_URL, config.RESUME_LINK_SECRET, {
          storeId: touch.storeId,
          cartId: touch.cartId,
          touchId: touch.touchId,
          channel: 'email',
          cartUrl: storeCartUrl(config.STORE_CART_URL_TEMPLATE, touch.storeId, touch.cartId),
          now: new Date(),
          ttlMs: config.RESUME_LINK_TTL,
        }),
        unsubscribeUrl,
        storeName: this.storeName,
        postalAddress: config.STORE_POSTAL_ADDRESS,
        incentive: incentive && { code: incentive.code, expiresAt: incentive.expiresAt },
        trust: {
          returns: config.STORE_RETURNS_POLICY,
          supportEmail: config.STORE_SUPPORT_EMAIL,
          supportPhone: config.STORE_SUPPORT_PHONE,
        },
        content: this.content.forStore(touch.storeId),
      },
    );
    if (!rendered) return endWith({ kind: 'skipped', reason: 'nothing_in_stock' });
    return proceed(
      await composeMime(
        {
          from: config.EMAIL_FROM,
          to: email,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId: `<${derivedId('email', touch.touchId)}@${this.fromDomain}>`,
          ...(config.EMAIL_BOUNCE_ADDRESS
            ? { envelopeFrom: returnPathFor(config.EMAIL_BOUNCE_ADDRESS, touch.touchId, config.RESUME_LINK_SECRET) }
            : {}),
          headers: messageHeaders({
            touchId: touch.touchId,
            storeId: touch.storeId,
            template,
            unsubscribeUrl,
            unsubscribeToken: unsubscribe,
            unsubscribeMailbox: config.EMAIL_UNSUBSCRIBE_MAILBOX,
            replyTo: this.replyTo,
            feedbackSenderId: config.EMAIL_FEEDBACK_SENDER_ID,
          }),
        },
        this.dkim,
      ),
    );
  }

  /** The touch's cart with the current product facts (stock, price) laid over its snapshot. */
  private async currentCart(touch: TouchDue): Promise<CurrentCart> {
    const productIds = touch.cart.items.flatMap((i) => (i.productId === undefined ? [] : [i.productId]));
    return withCurrentFacts(touch.cart, await this.products.currentFacts(touch.storeId, productIds));
  }
}
